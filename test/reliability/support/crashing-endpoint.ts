import { grpcSuggestionEndpoint, type SuggestionEndpoint } from '../../../bench/controller/suggestion-endpoint.js';
import { startServiceProcess, type ServiceProcess } from '../../../bench/targets/service-process.js';
import { CALL_HANG_GUARD_MS } from '../../support/hang-guard.js';

/** What happened to the call in flight when its process was killed. */
export interface Crash {
  call: number;
  /** How the in-flight call ended: the status the controller saw, or "reply lost" when it had already answered. */
  inFlight: string;
}

/**
 * A suggestion endpoint backed by a service process that is killed with SIGKILL while the `killAt` calls
 * (1-based GetSuggestions numbers) are in flight. As Katib's controller does after a failed call, the same
 * request is then sent again, to a new process started in the old one's place: nothing survives but the request.
 */
export class CrashingEndpoint implements SuggestionEndpoint {
  readonly crashes: Crash[] = [];
  readonly processes: ServiceProcess[] = [];
  private endpoint!: SuggestionEndpoint;
  private calls = 0;

  private constructor(
    private readonly service: string,
    private readonly killAt: ReadonlySet<number>,
  ) {}

  static async start(service: string, killAt: readonly number[]): Promise<CrashingEndpoint> {
    const endpoint = new CrashingEndpoint(service, new Set(killAt));
    await endpoint.replace();
    return endpoint;
  }

  validateAlgorithmSettings(request: Parameters<SuggestionEndpoint['validateAlgorithmSettings']>[0]): Promise<void> {
    return this.endpoint.validateAlgorithmSettings(request);
  }

  async getSuggestions(request: Parameters<SuggestionEndpoint['getSuggestions']>[0]): ReturnType<SuggestionEndpoint['getSuggestions']> {
    this.calls++;
    if (!this.killAt.has(this.calls)) return this.endpoint.getSuggestions(request);
    const inFlight = this.endpoint.getSuggestions(request);
    this.current.child.kill('SIGKILL');
    // Whatever the dying process did with the call, the controller does not get a reply from it.
    const ending = await inFlight.then(
      () => 'reply lost',
      (error: unknown) => (error as { code?: string }).code ?? String(error),
    );
    this.crashes.push({ call: this.calls, inFlight: ending });
    await this.current.exited;
    await this.replace();
    return this.endpoint.getSuggestions(request);
  }

  close(): void {
    this.endpoint.close();
  }

  /** Stops the last process with SIGTERM; its exit code. */
  async stop(): Promise<number | null> {
    this.close();
    return this.current.stop('SIGTERM');
  }

  private get current(): ServiceProcess {
    return this.processes.at(-1)!;
  }

  private async replace(): Promise<void> {
    this.endpoint?.close();
    // One worker thread: these processes live for a few calls each, and start faster with one.
    this.processes.push(await startServiceProcess(this.service, { env: { WORKER_THREADS: '1' } }));
    this.endpoint = grpcSuggestionEndpoint(this.current.address, { deadlineMs: CALL_HANG_GUARD_MS });
  }
}
