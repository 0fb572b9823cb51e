import { Worker } from 'node:worker_threads';
import { ServiceError, shuttingDown, type ErrorKind } from '../errors/service-error.js';
import type { WorkerCounts } from './metrics.js';

/** Fields a task adds to its call's log line; they cross the thread boundary with every reply, failed or not. */
export type Annotations = Record<string, unknown>;
export type Annotate = (fields: Annotations) => void;

/** A job's outcome as it crosses the thread boundary: errors travel as data and are rebuilt on arrival. */
export type WorkerReply = { id: number; annotations: Annotations } & (
  | { ok: unknown }
  | { serviceError: { kind: ErrorKind; message: string } }
  | { internalError: { message: string; stack: string | undefined } }
);

export interface WorkerJob {
  id: number;
  task: string;
  request: unknown;
}

/** A task as a worker runs it: a function of the request that may annotate its call's log line. */
export type WorkerTask = (request: never, annotate: Annotate) => unknown;

interface Pending {
  job: WorkerJob;
  transfer: ArrayBuffer[];
  annotate: Annotate;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

/**
 * A fixed set of worker threads running CPU-heavy tasks (fitting a GP on a large history can take seconds),
 * so the event loop stays free to answer health checks and other experiments. Each worker takes one job at a
 * time; the rest wait in a queue. A worker that dies is replaced and its job fails with an internal error.
 */
export class WorkerPool {
  private readonly idle: Worker[] = [];
  private readonly busy = new Map<Worker, Pending>();
  private readonly queue: Pending[] = [];
  private nextId = 1;
  private closed = false;

  constructor(
    private readonly script: URL,
    size: number,
  ) {
    for (let i = 0; i < size; i++) this.idle.push(this.spawn());
  }

  /**
   * Runs `task` on `request` in a worker; `annotate` receives the task's log fields before the promise settles.
   * The buffers in `transfer` move to the worker instead of being copied, and are unusable here afterwards.
   */
  run(task: string, request: unknown, annotate: Annotate, transfer: ArrayBuffer[] = []): Promise<unknown> {
    if (this.closed) return Promise.reject(shuttingDown('the service is shutting down'));
    return new Promise((resolve, reject) => {
      this.queue.push({ job: { id: this.nextId++, task, request }, transfer, annotate, resolve, reject });
      this.dispatch();
    });
  }

  /** Threads, threads running a job, and jobs waiting for a thread: read by the metrics at each scrape. */
  counts(): WorkerCounts {
    return { size: this.idle.length + this.busy.size, busy: this.busy.size, queued: this.queue.length };
  }

  async close(): Promise<void> {
    this.closed = true;
    const workers = [...this.idle, ...this.busy.keys()];
    this.idle.length = 0;
    await Promise.all(workers.map((worker) => worker.terminate()));
  }

  private spawn(): Worker {
    const worker = new Worker(this.script);
    worker.on('message', (reply: WorkerReply) => this.settle(worker, reply));
    worker.on('error', (error) => this.replace(worker, error));
    worker.on('exit', (code) => {
      if (!this.closed) this.replace(worker, new Error(`suggestion worker exited with code ${code}`));
    });
    worker.unref();
    return worker;
  }

  private dispatch(): void {
    while (this.idle.length > 0 && this.queue.length > 0) {
      const worker = this.idle.pop()!;
      const pending = this.queue.shift()!;
      this.busy.set(worker, pending);
      worker.postMessage(pending.job, pending.transfer);
    }
  }

  private settle(worker: Worker, reply: WorkerReply): void {
    const pending = this.busy.get(worker);
    if (pending === undefined || pending.job.id !== reply.id) return;
    this.busy.delete(worker);
    this.idle.push(worker);
    pending.annotate(reply.annotations);
    if ('ok' in reply) pending.resolve(reply.ok);
    else if ('serviceError' in reply) pending.reject(new ServiceError(reply.serviceError.kind, reply.serviceError.message));
    else {
      const error = new Error(reply.internalError.message);
      error.stack = reply.internalError.stack;
      pending.reject(error);
    }
    this.dispatch();
  }

  private replace(worker: Worker, error: Error): void {
    if (this.closed) return;
    const pending = this.busy.get(worker);
    this.busy.delete(worker);
    const idleIndex = this.idle.indexOf(worker);
    if (idleIndex >= 0) this.idle.splice(idleIndex, 1);
    if (pending === undefined && idleIndex < 0) return;
    void worker.terminate();
    pending?.reject(error);
    this.idle.push(this.spawn());
    this.dispatch();
  }
}

/** The worker side: answers jobs with `tasks[job.task](job.request, annotate)`, turning thrown errors into data. */
export function serveWorkerJobs(
  port: { on(event: 'message', listener: (job: WorkerJob) => void): void; postMessage(reply: WorkerReply): void },
  tasks: Record<string, WorkerTask>,
): void {
  port.on('message', (job) => {
    const annotations: Annotations = {};
    const annotate: Annotate = (fields) => Object.assign(annotations, fields);
    try {
      const task = tasks[job.task];
      if (task === undefined) throw new Error(`unknown worker task ${job.task}`);
      const ok = task(job.request as never, annotate);
      port.postMessage({ id: job.id, annotations, ok });
    } catch (error) {
      if (error instanceof ServiceError) port.postMessage({ id: job.id, annotations, serviceError: { kind: error.kind, message: error.message } });
      else {
        const internal = error instanceof Error ? error : new Error(String(error));
        port.postMessage({ id: job.id, annotations, internalError: { message: internal.message, stack: internal.stack } });
      }
    }
  });
}
