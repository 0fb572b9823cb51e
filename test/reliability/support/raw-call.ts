import * as grpc from '@grpc/grpc-js';
import { connect } from 'node:net';
import type { CallOutcome } from './call-outcome.js';
import { CALL_HANG_GUARD_MS } from '../../support/hang-guard.js';

/**
 * A gRPC client that sends bytes as they are, without protobuf encoding: for requests no generated client would
 * produce (random bytes, truncated messages, messages past the size limit). It accepts replies of any size so
 * that only the server's limits are under test.
 */
export class RawClient {
  private readonly client: grpc.Client;

  constructor(readonly address: string) {
    this.client = new grpc.Client(address, grpc.credentials.createInsecure(), {
      'grpc.max_receive_message_length': -1,
      'grpc.max_send_message_length': -1,
    });
  }

  call(path: string, payload: Buffer, deadlineMs = CALL_HANG_GUARD_MS): Promise<CallOutcome<Buffer>> {
    return new Promise((resolve) => {
      this.client.makeUnaryRequest(
        path,
        (bytes: Buffer) => bytes,
        (bytes: Buffer) => bytes,
        payload,
        { deadline: Date.now() + deadlineMs },
        (error, reply) => resolve(error ? { ok: false, code: error.code, details: error.details } : { ok: true, reply: reply! }),
      );
    });
  }

  close(): void {
    this.client.close();
  }
}

/**
 * Opens a TCP connection to `address`, writes `bytes` (not gRPC, perhaps not even HTTP/2), and resolves once the
 * server has closed the connection or `lingerMs` has passed, whichever is first.
 */
export function sendRawTcp(address: string, bytes: Buffer, lingerMs = 500): Promise<void> {
  const [host, port] = [address.slice(0, address.lastIndexOf(':')), Number(address.slice(address.lastIndexOf(':') + 1))];
  return new Promise((resolve) => {
    const socket = connect({ host, port }, () => socket.write(bytes));
    const done = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve();
    };
    const timer = setTimeout(done, lingerMs);
    socket.on('data', () => undefined);
    socket.on('error', done);
    socket.on('close', done);
  });
}

/** The bytes every HTTP/2 client sends first. */
export const HTTP2_PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');
