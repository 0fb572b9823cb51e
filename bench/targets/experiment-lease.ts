/**
 * A service the benchmark opens once for every Experiment on a problem, or afresh for each Experiment when
 * `perExperiment` (Katib's stock services, which keep state in the process between calls, as Katib starts an
 * Experiment's pods for it alone).
 */
export class ExperimentLease<T extends { close(): Promise<void> }> {
  private shared: T | undefined;

  constructor(
    private readonly open: () => Promise<T>,
    private readonly perExperiment: boolean,
  ) {}

  /** The service for the next Experiment; rejects when it cannot be started. */
  async acquire(): Promise<T> {
    if (this.perExperiment) return this.open();
    this.shared ??= await this.open();
    return this.shared;
  }

  /** After an Experiment: a per-Experiment service is closed. */
  async release(service: T): Promise<void> {
    if (this.perExperiment) await service.close();
  }

  /** After the last Experiment. */
  async close(): Promise<void> {
    await this.shared?.close();
    this.shared = undefined;
  }
}
