import * as grpc from '@grpc/grpc-js';
import { katibApi } from '../../shared/wire/katib-api.js';
import { UNLIMITED_MESSAGES } from '../controller/suggestion-endpoint.js';
import type { GetSuggestionsRequest } from '../../shared/wire/generated/api/v1/beta1/GetSuggestionsRequest.js';

const method = katibApi.Suggestion.service.GetSuggestions;

/**
 * GetSuggestions with the request encoded before the clock starts and the reply left encoded: a timed call then
 * holds the service's work and the transport, not the benchmark's own encoding of a 1,000-trial request (about
 * 10 ms of this process's time, which Katib's controller spends in its own process too, but which is not the
 * service's).
 */
export class EncodedSuggestionCaller {
  private readonly client: grpc.Client;

  constructor(
    address: string,
    private readonly deadlineMs: number,
  ) {
    this.client = new grpc.Client(address, grpc.credentials.createInsecure(), UNLIMITED_MESSAGES);
  }

  encode(request: GetSuggestionsRequest): Buffer {
    return method.requestSerialize(request);
  }

  /** Resolves once the reply has arrived; rejects with the status of a failed call. */
  call(encoded: Buffer): Promise<void> {
    return new Promise((resolve, reject) => {
      this.client.makeUnaryRequest(
        method.path,
        (bytes: Buffer) => bytes,
        (bytes: Buffer) => bytes,
        encoded,
        { deadline: Date.now() + this.deadlineMs },
        (error, reply) => (error || reply === undefined ? reject(new Error(`GetSuggestions failed: ${error?.details ?? 'no reply'}`)) : resolve()),
      );
    });
  }

  close(): void {
    this.client.close();
  }
}
