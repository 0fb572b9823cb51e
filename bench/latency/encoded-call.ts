import * as grpc from '@grpc/grpc-js';
import { UNLIMITED_MESSAGES } from '../controller/suggestion-endpoint.js';

/** The parts of a gRPC method definition a call with a pre-encoded request needs. */
export interface UnaryMethod<Request> {
  path: string;
  requestSerialize: (request: Request) => Buffer;
}

/**
 * A unary call with the request encoded before the clock starts and the reply left encoded: a timed call then
 * holds the service's work and the transport, not the benchmark's own encoding of a 1,000-trial request (about
 * 10 ms of this process's time, which Katib's controller spends in its own process too, but which is not the
 * service's).
 */
export class EncodedCaller<Request> {
  private readonly client: grpc.Client;

  constructor(
    address: string,
    private readonly method: UnaryMethod<Request>,
    private readonly deadlineMs: number,
  ) {
    this.client = new grpc.Client(address, grpc.credentials.createInsecure(), UNLIMITED_MESSAGES);
  }

  encode(request: Request): Buffer {
    return this.method.requestSerialize(request);
  }

  /** Resolves once the reply has arrived; rejects with the status of a failed call. */
  call(encoded: Buffer): Promise<void> {
    const name = this.method.path.slice(this.method.path.lastIndexOf('/') + 1);
    return new Promise((resolve, reject) => {
      this.client.makeUnaryRequest(
        this.method.path,
        (bytes: Buffer) => bytes,
        (bytes: Buffer) => bytes,
        encoded,
        { deadline: Date.now() + this.deadlineMs },
        (error, reply) => (error || reply === undefined ? reject(new Error(`${name} failed: ${error?.details ?? 'no reply'}`)) : resolve()),
      );
    });
  }

  close(): void {
    this.client.close();
  }
}
