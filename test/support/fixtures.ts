import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import protobuf from 'protobufjs';
import type { GetSuggestionsRequest } from '../../shared/wire/generated/api/v1/beta1/GetSuggestionsRequest.js';
import { API_PROTO_PATH } from '../../shared/wire/katib-api.js';
import { FIXTURES_DIR } from './repo-paths.js';

/** Field names kept as written in the proto, as proto-loader keeps them for the server. */
const root = new protobuf.Root().loadSync(API_PROTO_PATH, { keepCase: true });

/** The names of the fixture files with this suffix, e.g. ".get-suggestions.bin". */
export function fixtureNames(suffix: string): string[] {
  return readdirSync(FIXTURES_DIR)
    .filter((file) => file.endsWith(suffix))
    .map((file) => file.slice(0, -suffix.length))
    .sort();
}

/** A fixture's bytes decoded with our proto as `messageType`, in protobuf's JSON form with proto field names. */
export function decodeFixtureAsJson(file: string, messageType: string): unknown {
  const type = root.lookupType(`api.v1.beta1.${messageType}`);
  const message = type.decode(readFileSync(join(FIXTURES_DIR, file)));
  // Mirrors protobuf's JSON printer as the fixtures were made: enums by name, default values left out.
  return type.toObject(message, { enums: String, longs: String, defaults: false, arrays: false });
}

/** A fixture decoded the way our gRPC server decodes requests (proto-loader's options), ready to send or handle. */
export function decodeFixture<T>(file: string, messageType: string): T {
  const type = root.lookupType(`api.v1.beta1.${messageType}`);
  const message = type.decode(readFileSync(join(FIXTURES_DIR, file)));
  return type.toObject(message, { enums: String, longs: String, defaults: true, arrays: true, objects: false, oneofs: true }) as T;
}

export function readFixtureJson(file: string): unknown {
  return JSON.parse(readFileSync(join(FIXTURES_DIR, file), 'utf8'));
}

/** A fixture's GetSuggestions request addressed to `algorithm` with `settings`, whatever algorithm it named. */
export function suggestionsFixtureFor(name: string, algorithm: string, settings: Record<string, string> = {}): GetSuggestionsRequest {
  const request = decodeFixture<GetSuggestionsRequest>(`${name}.get-suggestions.bin`, 'GetSuggestionsRequest');
  request.experiment!.spec!.algorithm = {
    algorithm_name: algorithm,
    algorithm_settings: Object.entries(settings).map(([settingName, value]) => ({ name: settingName, value })),
  };
  return request;
}
