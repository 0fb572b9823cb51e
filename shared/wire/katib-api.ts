import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { repoPath } from '../repo-root.js';
import type { ProtoGrpcType } from './generated/api.js';

/** proto/api.proto of the repository (of the app, in an image). */
export const API_PROTO_PATH = repoPath('proto', 'api.proto');

/**
 * How messages are turned into JavaScript objects. The generated types in ./generated were produced with the
 * same options (package.json's `proto:types` script); test/wire/generated-types.test.ts keeps them in step.
 */
export const LOADER_OPTIONS: protoLoader.Options = {
  keepCase: true,
  longs: String,
  enums: String,
  defaults: true,
  arrays: true,
  oneofs: true,
};

/** The loaded package definition of Katib's api.v1.beta1 API. */
export const katibPackageDefinition = protoLoader.loadSync(API_PROTO_PATH, LOADER_OPTIONS);

/** Service definitions and client constructors of Katib's API. */
export const katibApi = (grpc.loadPackageDefinition(katibPackageDefinition) as unknown as ProtoGrpcType).api.v1.beta1;
