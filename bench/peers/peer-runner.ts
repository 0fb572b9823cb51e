import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { repoPath } from '../../shared/repo-root.js';
import type { Schedule } from '../controller/simulated-controller.js';
import type { RunRecord } from '../report/results-file.js';

/** The Python baselines bench/peers/run_peer.py knows. */
export const PEER_NAMES = [
  'optuna-tpe',
  'optuna-multivariate-tpe',
  'optuna-gp',
  'optuna-random',
  'hyperopt-tpe',
  'skopt-gp',
  'optuna-cmaes',
  'optuna-sobol',
  'optuna3.3-tpe',
  'optuna3.3-multivariate-tpe',
] as const;

/** Optuna's pruners, as a peer name's suffix (PRUNERS in bench/peers/peer_samplers.py). */
export const PRUNER_NAMES = ['median-pruner', 'percentile-pruner'] as const;

/** Every Optuna peer with each pruner: `optuna-tpe+median-pruner`, ... (named explicitly; not part of `all`). */
export const PRUNED_PEER_NAMES: readonly string[] = PEER_NAMES.filter((name) => name.startsWith('optuna')).flatMap((name) =>
  PRUNER_NAMES.map((pruner) => `${name}+${pruner}`),
);

/** The interpreter of the virtual environment bench/peers/setup.sh makes with the current, pinned libraries. */
export const DEFAULT_PEER_PYTHON = repoPath('bench', 'peers', '.venv', 'bin', 'python');

/** The peers run with optuna 3.3.0, Katib's stock pin, from their own environment. */
const OPTUNA_3_3_PYTHON = repoPath('bench', 'peers', '.venv-optuna3.3', 'bin', 'python');

/** The interpreter that runs `peer`: optuna3.3-* in their environment, the others in `python` (--python). */
export function peerPython(peer: string, python: string): string {
  return peer.startsWith('optuna3.3-') ? OPTUNA_3_3_PYTHON : python;
}

const RUNNER = repoPath('bench', 'peers', 'run_peer.py');

/**
 * One BLAS / OpenMP / torch thread per peer: the services answer each call on one thread too, and on a shared
 * 2-core machine more threads only fight each other.
 */
const SINGLE_THREADED = { OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1' };

export interface PeerJob {
  python: string;
  peer: string;
  problem: string;
  seeds: readonly number[];
  budget: number;
  parallel: number;
  /** async or sync; the serial schedule is async with parallel 1. */
  schedule: Schedule;
}

/** Why the peers cannot run here, or undefined when the interpreter is there. */
export function peerPythonMissing(python: string): string | undefined {
  return existsSync(python) ? undefined : `${python} not found; create it with: bash bench/peers/setup.sh --with-torch`;
}

/** Runs one peer on one problem for every seed, reporting each experiment as the runner prints it. */
export function runPeer(job: PeerJob, onRun: (run: RunRecord) => void): Promise<RunRecord[]> {
  // -B: no __pycache__ folders in the source tree.
  const args = [
    '-B',
    RUNNER,
    ...['--peer', job.peer, '--problem', job.problem, '--seeds', job.seeds.join(',')],
    ...['--budget', String(job.budget), '--parallel', String(job.parallel), '--schedule', job.schedule],
  ];
  const child = spawn(job.python, args, { env: { ...process.env, ...SINGLE_THREADED }, stdio: ['ignore', 'pipe', 'pipe'] });
  const runs: RunRecord[] = [];
  const errors: string[] = [];
  createInterface({ input: child.stderr }).on('line', (line) => errors.push(line));
  createInterface({ input: child.stdout }).on('line', (line) => {
    const run = JSON.parse(line) as RunRecord;
    runs.push(run);
    onRun(run);
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => {
      if (code === 0) resolve(runs);
      else reject(new Error(`${job.peer} on ${job.problem} exited with code ${code}:\n${errors.slice(-20).join('\n')}`));
    });
  });
}

/** The versions of the Python libraries, for the results' environment. */
export function peerLibraryVersions(python: string): Promise<Record<string, string>> {
  return new Promise((resolve, reject) => {
    const child = spawn(python, ['-B', RUNNER, '--versions'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let text = '';
    child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => (code === 0 ? resolve(JSON.parse(text) as Record<string, string>) : reject(new Error(`${python} --versions failed`))));
  });
}
