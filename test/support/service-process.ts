import { after, before } from 'node:test';
import { startServiceProcess, type ServiceProcess, type ServiceProcessOptions } from '../../bench/targets/service-process.js';
import { SuggestionClient } from './clients.js';

/**
 * Runs `use` against a freshly started process of `service` (a restart, or another replica), then closes the
 * client and stops the process, whatever `use` did.
 */
export async function withFreshProcess<T>(service: string, use: (client: SuggestionClient) => Promise<T>): Promise<T> {
  const fresh = await startServiceProcess(service);
  const client = new SuggestionClient(fresh.address);
  try {
    return await use(client);
  } finally {
    client.close();
    await fresh.stop();
  }
}

/** A service process and a client of it, started before a suite's tests and stopped after them. */
export interface SuiteProcess {
  readonly service: ServiceProcess;
  readonly client: SuggestionClient;
}

/**
 * Registers, in the calling `describe`, the hooks that start a process of `service` (with `options`) before its
 * tests and close the client and stop the process after them, pass or fail. Read the fields inside tests only.
 */
export function processForSuite(service: string, options?: ServiceProcessOptions): SuiteProcess {
  const started: { service?: ServiceProcess; client?: SuggestionClient } = {};
  before(async () => {
    started.service = await startServiceProcess(service, options);
    started.client = new SuggestionClient(started.service.address);
  });
  after(async () => {
    started.client?.close();
    await started.service?.stop();
  });
  return {
    get service() {
      return started.service!;
    },
    get client() {
      return started.client!;
    },
  };
}
