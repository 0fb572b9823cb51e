import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { parallelOf, runSimulatedExperiment, SCHEDULES, type Schedule } from '../controller/simulated-controller.js';
import { describeEnvironment } from '../environment.js';
import { DEFAULT_PEER_PYTHON, PEER_NAMES, PRUNED_PEER_NAMES, peerLibraryVersions, peerPython, peerPythonMissing, runPeer } from '../peers/peer-runner.js';
import { BUDGET_ALGORITHMS, budgetProblemNames, budgetSettings, problemFor } from '../problems/budget-parameter.js';
import { learningCurveFor } from '../problems/objective-functions.js';
import { defaultProblemNames, loadCatalog, problemDefinition, problemNames } from '../problems/problem-catalog.js';
import { trialDurationSeconds } from '../problems/trial-duration.js';
import { progressBar, type Progress } from '../progress/progress-bar.js';
import { repoPath } from '../../shared/repo-root.js';
import { RESULTS_FORMAT, writeResults, type BenchmarkResults, type BenchmarkSettings, type RunRecord } from '../report/results-file.js';
import { printReport, writeReport } from '../report/write-report.js';
import type { OpenHarness } from '../controller/early-stopping-harness.js';
import { EARLY_STOPPING_ALGORITHM, openEarlyStopping, opensPerExperiment as earlyStoppingPerExperiment, parseEarlyStoppingSpec, type EarlyStoppingTarget } from '../targets/early-stopping-target.js';
import { ExperimentLease } from '../targets/experiment-lease.js';
import { LOCAL_ALGORITHMS } from '../targets/local-services.js';
import { openTarget, opensPerExperiment, parseStockSpec, settingsForSeed, type OpenTarget, type Target } from '../targets/target.js';
import { integerOption, listOption, namesOption, targetsOption, timestampedName } from './option-values.js';
import { messageOf } from '../../shared/errors/message-of.js';

export const RUN_USAGE = `npm run bench -- run [options]
  Runs simulated Katib experiments against each target, on each problem, for each seed.
  --algorithms LIST    our services' algorithms (${LOCAL_ALGORITHMS.map((entry) => entry.algorithm).join(', ')}, or all);
                       default: every built one, unless --target or --peers is given; ${[...BUDGET_ALGORITHMS].join(', ')} only when
                       named, on problems with a budget parameter (${budgetProblemNames(loadCatalog().problems).join(', ')})
  --target SPEC        label=host:port[,algorithm=NAME][,SETTING=VALUE...] (repeatable); {seed} in a value is the seed
  --stock LIST         Katib's stock Python services as SERVICE:ALGORITHM (hyperopt:tpe, optuna:tpe,
                       optuna:multivariate-tpe, skopt:bayesianoptimization, ...), one process per Experiment;
                       set up by bash bench/stock/setup.sh --katib-source DIR
  --early-stopping SPEC  none, or [LABEL=]SOURCE[,SETTING=VALUE...] (repeatable): every target runs once with each;
                       SOURCE medianstop (ours) or katib-medianstop (Katib's stock one, set up by
                       bash bench/stock/setup.sh --katib-source DIR medianstop); default none
  --katib-source DIR   the Katib checkout --stock and katib-medianstop run (default: the one bench/stock/setup.sh prepared)
  --peers LIST         Python baselines (${PEER_NAMES.join(', ')}, or all); an Optuna one with a
                       pruner when named so: PEER+median-pruner, PEER+percentile-pruner (percentile 25)
  --problems LIST      default: ${defaultProblemNames().join(', ')}; also: ${problemNames().filter((name) => !defaultProblemNames().includes(name)).join(', ')}
  --seeds N            number of seeds (default 10), starting at --first-seed (default 0)
  --budget N           trials per experiment, max_trial_count (default 60)
  --parallel N         trials running at once, parallel_trial_count (default 3)
  --schedule LIST      how trials finish: async (each its own duration; the default), sync (a request's trials
                       all end together), serial (one trial at a time); e.g. async,sync,serial runs all three
  --deadline-ms N      per-call deadline (default 60000, as Katib's controller)
  --python PATH        interpreter for --peers (default bench/peers/.venv/bin/python)
  --out DIR            output directory (default bench/results/run-<time>)`;

interface RunOptions {
  settings: BenchmarkSettings & { schedules: Schedule[] };
  targets: Target[];
  peers: string[];
  /** The early-stopping rules every target runs with; undefined is none. */
  earlyStopping: (EarlyStoppingTarget | undefined)[];
  katibSource: string | undefined;
  deadlineMs: number;
  python: string;
  out: string;
}

function parseRunOptions(args: string[]): RunOptions {
  const { values } = parseArgs({
    args,
    options: {
      algorithms: { type: 'string' },
      target: { type: 'string', multiple: true },
      peers: { type: 'string' },
      stock: { type: 'string' },
      'early-stopping': { type: 'string', multiple: true },
      'katib-source': { type: 'string' },
      problems: { type: 'string' },
      seeds: { type: 'string' },
      'first-seed': { type: 'string' },
      budget: { type: 'string' },
      parallel: { type: 'string' },
      schedule: { type: 'string' },
      'deadline-ms': { type: 'string' },
      python: { type: 'string' },
      out: { type: 'string' },
    },
    strict: true,
  });
  // `all` is every peer without a pruner; a pruned one (optuna-tpe+median-pruner) is named.
  const peers = (values.peers === 'all' ? [...PEER_NAMES] : namesOption('peers', values.peers, [...PEER_NAMES, ...PRUNED_PEER_NAMES])) ?? [];
  const stock = (listOption(values.stock) ?? []).map(parseStockSpec);
  const targets = [...targetsOption(values.algorithms, values.target, peers.length > 0 || stock.length > 0, 'allowed'), ...stock];
  if (targets.length === 0 && peers.length === 0) throw new Error('nothing to run: no built service, --target or --peers');
  const seedCount = integerOption('seeds', values.seeds, 10, 1);
  const firstSeed = integerOption('first-seed', values['first-seed'], 0, 0);
  const problems = namesOption('problems', values.problems, problemNames()) ?? defaultProblemNames();
  // A budget algorithm (hyperband) needs a budget parameter on every problem: refused now rather than mid-run.
  for (const target of targets) for (const problem of problems) problemFor(target.algorithm, problemDefinition(problem), target.settings);
  return {
    settings: {
      budget: integerOption('budget', values.budget, 60, 1),
      parallel: integerOption('parallel', values.parallel, 3, 1),
      schedules: (namesOption('schedule', values.schedule, SCHEDULES) as Schedule[] | undefined) ?? ['async'],
      seeds: Array.from({ length: seedCount }, (_, i) => firstSeed + i),
      problems,
    },
    targets,
    peers,
    earlyStopping: (values['early-stopping'] ?? ['none']).map(parseEarlyStoppingSpec),
    katibSource: values['katib-source'],
    deadlineMs: integerOption('deadline-ms', values['deadline-ms'], 60_000, 1),
    python: values.python ?? DEFAULT_PEER_PYTHON,
    out: values.out ?? repoPath('bench', 'results', timestampedName('run')),
  };
}

export async function runCommand(args: string[]): Promise<void> {
  const options = parseRunOptions(args);
  const { settings } = options;
  const results: BenchmarkResults = {
    format: RESULTS_FORMAT,
    createdAt: new Date().toISOString(),
    command: `npm run bench -- run ${args.join(' ')}`.trim(),
    environment: describeEnvironment(),
    settings,
    runs: [],
    unavailable: [],
  };
  const units =
    (options.targets.length * options.earlyStopping.length + options.peers.length) * settings.problems.length * settings.seeds.length * settings.schedules.length;
  const progress = progressBar(units);
  mkdirSync(options.out, { recursive: true });
  const resultsFile = path.join(options.out, 'results.json');
  // Written after every target and problem, so that a long run stopped part-way keeps what it finished.
  const save = () => writeResults(resultsFile, results);
  for (const schedule of settings.schedules) {
    for (const target of options.targets) {
      for (const stopping of options.earlyStopping) {
        for (const problem of settings.problems) {
          const runs = await runTargetOnProblem(target, stopping, problem, schedule, options, progress);
          if (typeof runs === 'string') {
            results.unavailable.push({ target: runLabel(target, stopping), reason: runs });
            break;
          }
          results.runs.push(...runs);
          save();
        }
      }
    }
    if (options.peers.length > 0) await runPeers(options, schedule, results, progress, save);
  }
  progress.finish();

  save();
  printReport(await writeReport(results, options.out), resultsFile);
  for (const entry of results.unavailable) console.log(`not run: ${entry.target}: ${entry.reason}`);
}

/** Every seed of one problem against one target, with one early-stopping rule or none; a string when a service cannot be started. */
async function runTargetOnProblem(
  target: Target,
  stopping: EarlyStoppingTarget | undefined,
  problemName: string,
  schedule: Schedule,
  options: RunOptions,
  progress: Progress,
): Promise<RunRecord[] | string> {
  const { settings } = options;
  // A budget algorithm searches the problem's budget parameter too, and is told its name and largest value.
  const problem = problemFor(target.algorithm, problemDefinition(problemName), target.settings);
  const learningCurve = learningCurveFor(problem);
  const durations = loadCatalog().trialDuration;
  const label = runLabel(target, stopping);
  // A stock service is started for each Experiment (opensPerExperiment), any other once for all seeds.
  const suggestions = new ExperimentLease(() => openTarget(target, options.deadlineMs, options.katibSource), opensPerExperiment(target));
  const earlyStopping =
    stopping === undefined
      ? undefined
      : new ExperimentLease(() => openEarlyStopping(stopping, options.deadlineMs, options.katibSource), earlyStoppingPerExperiment(stopping));
  const runs: RunRecord[] = [];
  try {
    for (const seed of settings.seeds) {
      let current: OpenTarget;
      let harness: OpenHarness | undefined;
      try {
        current = await suggestions.acquire();
        harness = await earlyStopping?.acquire();
      } catch (error) {
        return messageOf(error);
      }
      const experiment = `${problem.name}-seed${seed}`;
      const started = performance.now();
      try {
        const outcome = await runSimulatedExperiment(current.endpoint, {
          settings: {
            name: experiment,
            problem,
            algorithmName: target.algorithm,
            algorithmSettings: budgetSettings(target.algorithm, problem, settingsForSeed(target, seed)),
            parallelTrialCount: parallelOf(schedule, settings.parallel),
            maxTrialCount: settings.budget,
            ...(stopping === undefined ? {} : { earlyStopping: { algorithmName: EARLY_STOPPING_ALGORITHM, algorithmSettings: stopping.settings } }),
          },
          schedule,
          learningCurve,
          epochs: problem.epochs ?? 1,
          durationSeconds: (number) => trialDurationSeconds(durations, problem.name, seed, number),
          ...(harness === undefined ? {} : { earlyStopping: harness.harness }),
        });
        runs.push({
          target: label,
          kind: target.kind,
          algorithm: target.algorithm,
          ...(stopping === undefined ? {} : { suggestion: target.label, earlyStopping: stopping.label }),
          problem: problem.name,
          seed,
          schedule,
          experiment,
          ...outcome,
          duplicates: outcome.trials.filter((trial) => trial.duplicate).length,
          invalidAssignments: outcome.trials.filter((trial) => trial.error !== undefined).length,
          diverged: outcome.trials.filter((trial) => trial.diverged === true).length,
          peakRssKib: current.peakRssKib() ?? null,
          ...(harness === undefined ? {} : { earlyStoppingPeakRssKib: harness.service.peakRssKib() ?? null }),
          wallSeconds: (performance.now() - started) / 1000,
        });
      } finally {
        await suggestions.release(current);
        if (harness !== undefined) await earlyStopping!.release(harness);
      }
      progress.advance(`${schedule} · ${label} · ${problem.name} · seed ${seed}`);
    }
  } finally {
    await suggestions.close();
    await earlyStopping?.close();
  }
  return runs;
}

/** A run's name in results: the suggestion target's, joined by its early-stopping rule's. */
function runLabel(target: Target, stopping: EarlyStoppingTarget | undefined): string {
  return stopping === undefined ? target.label : `${target.label}+${stopping.label}`;
}

async function runPeers(options: RunOptions, schedule: Schedule, results: BenchmarkResults, progress: Progress, save: () => void): Promise<void> {
  const { settings } = options;
  for (const peer of options.peers) {
    const python = peerPython(peer, options.python);
    const missing = peerPythonMissing(python);
    if (missing !== undefined) {
      results.unavailable.push({ target: peer, reason: missing });
      continue;
    }
    await recordLibraryVersions(python, results);
    for (const problem of settings.problems) {
      try {
        const runs = await runPeer(
          { python, peer, problem, seeds: settings.seeds, budget: settings.budget, parallel: parallelOf(schedule, settings.parallel), schedule: schedule === 'sync' ? 'sync' : 'async' },
          (run) => progress.advance(`${schedule} · ${peer} · ${problem} · seed ${run.seed}`),
        );
        results.runs.push(...runs.map((run) => ({ ...run, schedule })));
      } catch (error) {
        results.unavailable.push({ target: `${peer} on ${problem}`, reason: messageOf(error) });
      }
      save();
    }
  }
}

/** The Python libraries' versions in the results' environment: `python optuna` for the default interpreter, `<path> optuna` for another. */
async function recordLibraryVersions(python: string, results: BenchmarkResults): Promise<void> {
  const prefix = python === DEFAULT_PEER_PYTHON ? 'python' : path.relative(repoPath(), python);
  if (`${prefix} optuna` in results.environment) return;
  const versions = await peerLibraryVersions(python);
  for (const [library, version] of Object.entries(versions)) results.environment[`${prefix} ${library}`] = version;
}
