import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runSimulatedExperiment, type ExperimentOutcome } from '../../bench/controller/simulated-controller.js';
import type { ParameterValues } from '../../bench/problems/assignment-values.js';
import type { ProblemDefinition } from '../../bench/problems/problem-catalog.js';
import { requiredSettings } from '../support/required-settings.js';
import { CrashingEndpoint } from './support/crashing-endpoint.js';
import { algorithmNames, SUGGESTION_SERVICES } from './support/suggestion-services.js';

/**
 * kill -9 in the middle of an experiment run by the benchmark's simulated Katib controller: the process dies
 * with a call in flight, a new one starts, the controller sends the call again and the experiment runs to its
 * end. Its trials must be exactly those of the same experiment run without a crash: none lost, none repeated.
 */

/** A space every algorithm serves, grid included (every DOUBLE has a step): 100 x 16 x 3 x 6 points. */
const PROBLEM: ProblemDefinition = {
  name: 'restart',
  description: 'A smooth function of mixed parameters, for the restart test.',
  function: 'restart',
  objective: { type: 'minimize', metricName: 'loss' },
  optimum: 0,
  parameters: [
    { name: 'lr', parameterType: 'double', feasibleSpace: { min: '0.001', max: '0.1', step: '0.001', distribution: 'logUniform' } },
    { name: 'width', parameterType: 'int', feasibleSpace: { min: '16', max: '256', step: '16' } },
    { name: 'optimizer', parameterType: 'categorical', feasibleSpace: { list: ['sgd', 'adam', 'rmsprop'] } },
    { name: 'dropout', parameterType: 'discrete', feasibleSpace: { list: ['0', '0.1', '0.2', '0.3', '0.4', '0.5'] } },
  ],
};

function objective(values: ParameterValues): number {
  const lr = Math.log10(values['lr'] as number) + 2;
  const width = ((values['width'] as number) - 128) / 128;
  const optimizer = { sgd: 0.3, adam: 0, rmsprop: 0.1 }[values['optimizer'] as string] ?? 1;
  return lr * lr + width * width + optimizer + (values['dropout'] as number);
}

/** 24 trials, 4 at a time: with the default settings TPE and GP take over from their start-up after 10. */
const MAX_TRIALS = 24;
const PARALLEL = 4;
/** Two crashes: one in the start-up phase, one once TPE and GP model the completed trials. */
const KILL_AT = [2, 13];

/** hyperband's budget: a parameter of its own, which the objective ignores. */
const BUDGET = { name: 'budget', parameterType: 'int', feasibleSpace: { min: '1', max: '9' } } as const;

async function runExperiment(service: string, algorithm: string, killAt: number[]): Promise<{ outcome: ExperimentOutcome; endpoint: CrashingEndpoint }> {
  const endpoint = await CrashingEndpoint.start(service, killAt);
  const settings = requiredSettings(algorithm, { parameter: BUDGET.name, largest: BUDGET.feasibleSpace.max });
  const problem = Object.keys(settings).length === 0 ? PROBLEM : { ...PROBLEM, parameters: [...PROBLEM.parameters, BUDGET] };
  try {
    const outcome = await runSimulatedExperiment(endpoint, {
      settings: {
        name: `restart-${algorithm}`,
        problem,
        algorithmName: algorithm,
        algorithmSettings: Object.entries(settings).map(([name, value]) => ({ name, value })),
        parallelTrialCount: PARALLEL,
        maxTrialCount: MAX_TRIALS,
      },
      learningCurve: (values) => [objective(values)],
      epochs: 1,
      // Varied, overlapping run times, so that requests ask for 1 to 4 trials with running trials in the history.
      durationSeconds: (number) => 60 + ((number * 7919) % 240),
    });
    return { outcome, endpoint };
  } finally {
    assert.equal(await endpoint.stop(), 0);
  }
}

const trialsOf = (outcome: ExperimentOutcome) => outcome.trials.map((trial) => ({ number: trial.number, assignments: trial.assignments, value: trial.value }));

for (const service of SUGGESTION_SERVICES) {
  describe(`kill -9 of the ${service.service} process mid-experiment`, () => {
    for (const algorithm of algorithmNames(service)) {
      it(`${algorithm}: the experiment finishes with the same trials as an uninterrupted run`, async (t) => {
        const [steady, crashed] = await Promise.all([runExperiment(service.service, algorithm, []), runExperiment(service.service, algorithm, KILL_AT)]);
        assert.equal(steady.outcome.error, undefined);
        assert.equal(crashed.outcome.error, undefined, crashed.outcome.error);
        assert.deepEqual(crashed.endpoint.crashes.map((crash) => crash.call), KILL_AT);
        assert.equal(crashed.endpoint.processes.length, KILL_AT.length + 1);

        const numbers = crashed.outcome.trials.map((trial) => trial.number).sort((a, b) => a - b);
        assert.deepEqual(numbers, Array.from({ length: MAX_TRIALS }, (_, i) => i + 1), 'a trial was lost or created twice');
        assert.deepEqual(crashed.outcome.trials.filter((trial) => trial.duplicate).map((trial) => trial.number), [], 'a trial repeats an earlier assignment');
        assert.deepEqual(crashed.outcome.trials.filter((trial) => trial.error !== undefined).map((trial) => trial.error), []);
        assert.deepEqual(trialsOf(crashed.outcome), trialsOf(steady.outcome));
        const second = crashed.outcome.calls[KILL_AT[1]! - 1]!;
        // The second crash must hit the model phase: TPE's 10 start-up trials completed, GP past its 10 initial points.
        assert.ok(second.completed >= 10, `only ${second.completed} trials had completed at the second crash`);
        t.diagnostic(
          `${algorithm}: ${MAX_TRIALS} trials over ${crashed.outcome.calls.length} calls, ` +
            `killed at calls ${crashed.endpoint.crashes.map((crash) => `${crash.call} (in flight: ${crash.inFlight})`).join(', ')}; ` +
            `${second.completed} trials completed at the second`,
        );
      });
    }
  });
}
