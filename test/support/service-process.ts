import { startServiceProcess } from '../../bench/targets/service-process.js';
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
