import { CATALOGUE } from '../../services/catalogue.js';
import type { BenchmarkResults, RunRecord } from './results-file.js';

/** How many trials an algorithm proposes at random before its model takes over, and the setting that says so. */
export interface RandomStartup {
  trials: number;
  setting: string;
}

/** The settings of our algorithms that set their random start-up, in the order they are looked for. */
const STARTUP_SETTINGS = ['n_startup_trials', 'n_initial_points'];

/**
 * The Python peers' start-up at the defaults bench/peers/peer_samplers.py leaves them: optuna's TPESampler and
 * GPSampler (n_startup_trials=10), hyperopt's tpe.suggest (n_startup_jobs=20), scikit-optimize's Optimizer
 * (n_initial_points=10).
 */
const PEER_STARTUP: Record<string, RandomStartup> = {
  'optuna-tpe': { trials: 10, setting: 'n_startup_trials' },
  'optuna-multivariate-tpe': { trials: 10, setting: 'n_startup_trials' },
  'optuna3.3-tpe': { trials: 10, setting: 'n_startup_trials' },
  'optuna3.3-multivariate-tpe': { trials: 10, setting: 'n_startup_trials' },
  'optuna-gp': { trials: 10, setting: 'n_startup_trials' },
  'hyperopt-tpe': { trials: 20, setting: 'n_startup_jobs' },
  'skopt-gp': { trials: 10, setting: 'n_initial_points' },
};

/**
 * Katib's stock services (bench/stock), by target label: the optuna service leaves TPESampler's n_startup_trials at
 * 10; the hyperopt service sets n_startup_jobs to each request's size, so its model starts after the first batch.
 */
const STOCK_STARTUP: Record<string, RandomStartup> = {
  'stock-optuna-tpe': { trials: 10, setting: 'n_startup_trials' },
  'stock-optuna-multivariate-tpe': { trials: 10, setting: 'n_startup_trials' },
};

/** An algorithm's default random start-up: ours from its settings schema (services/catalogue.ts), a peer's from the table. */
export function defaultRandomStartup(algorithm: string): RandomStartup | undefined {
  if (algorithm in PEER_STARTUP) return PEER_STARTUP[algorithm];
  const described = CATALOGUE.flatMap((service) => service.algorithms).find((candidate) => candidate.name === algorithm);
  for (const setting of Object.values(described?.settings ?? {})) {
    const name = setting.names.find((candidate) => STARTUP_SETTINGS.includes(candidate));
    if (name !== undefined && typeof setting.defaultValue === 'number') return { trials: setting.defaultValue, setting: name };
  }
  return undefined;
}

/**
 * Notes for the report where the budget leaves a model-based algorithm mostly or wholly in its random start-up:
 * there its results measure random sampling, not its model (e.g. hyperopt's tpe at 20 trials suggests only at
 * random). The start-up ends once that many trials have completed, so the parallel - 1 trials started meanwhile
 * are random too. The default start-up is assumed; a --target that sets its own is not looked at.
 */
export function randomStartupNotes(results: BenchmarkResults): string[] {
  const { budget, parallel } = results.settings;
  const targets = new Map<string, RunRecord>();
  for (const run of results.runs) targets.set(run.target, run);
  const notes: string[] = [];
  for (const [target, { algorithm, kind }] of targets) {
    const startup = kind === 'stock' ? STOCK_STARTUP[target] : defaultRandomStartup(algorithm);
    if (startup === undefined) continue;
    const random = Math.min(budget, startup.trials + parallel - 1);
    if (random * 2 < budget) continue;
    const share =
      random >= budget
        ? `all ${budget} trials are drawn at random, so these results are random search's`
        : `about ${random} of the ${budget} trials are drawn at random before the model is used`;
    notes.push(
      `${target}: ${share} (${algorithm}'s ${startup.setting}=${startup.trials} by default, ${parallel} trials in parallel); ` +
        `its model shows only with a --budget well above ${2 * random}`,
    );
  }
  return notes;
}
