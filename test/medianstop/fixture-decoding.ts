import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import protobuf from 'protobufjs';
import { API_PROTO_PATH } from '../../shared/wire/katib-api.js';
import { FIXTURES_DIR } from '../support/repo-paths.js';

// Proto field names as written (snake_case), as our gRPC server and the fixtures' JSON use them.
const root = new protobuf.Root().loadSync(API_PROTO_PATH, { keepCase: true });

function decode(file: string, messageType: string): protobuf.Message {
  return root.lookupType(`api.v1.beta1.${messageType}`).decode(readFileSync(join(FIXTURES_DIR, file)));
}

/** The fixture in protobuf's JSON form, as the fixture's .json was printed: enums by name, defaults left out. */
export function fixtureAsJson(file: string, messageType: string): unknown {
  return root.lookupType(`api.v1.beta1.${messageType}`).toObject(decode(file, messageType), { enums: String, longs: String });
}

/** The fixture as our server decodes a request (proto-loader's options): ready to send. */
export function fixtureRequest<T>(file: string, messageType: string): T {
  return root.lookupType(`api.v1.beta1.${messageType}`).toObject(decode(file, messageType), { enums: String, longs: String, defaults: true, arrays: true }) as T;
}

export function fixtureJson(file: string): unknown {
  return JSON.parse(readFileSync(join(FIXTURES_DIR, file), 'utf8'));
}
