import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { EarlyStoppingEndpoint } from '../../bench/controller/early-stopping-endpoint.js';
import { openEarlyStoppingHarness, type OpenHarness } from '../../bench/controller/early-stopping-harness.js';
import { earlyStoppingStep } from '../../bench/controller/metrics-collector.js';
import { runSimulatedExperiment, type ExperimentOutcome } from '../../bench/controller/simulated-controller.js';
import { grpcSuggestionEndpoint, type SuggestionEndpoint } from '../../bench/controller/suggestion-endpoint.js';
import { parseAssignmentValues } from '../../bench/problems/assignment-values.js';
import { learningCurveFor } from '../../bench/problems/objective-functions.js';
import { problemDefinition } from '../../bench/problems/problem-catalog.js';
import type { EarlyStoppingEnvironment, EarlyStoppingService } from '../../bench/controller/early-stopping-harness.js';
import { startKatibMedianStop, startOurMedianStop } from '../../bench/targets/early-stopping-target.js';
import { stockServiceMissing } from '../../bench/stock/stock-service.js';
import { startServiceProcess, type ServiceProcess } from '../../bench/targets/service-process.js';
import { median } from '../../shared/numeric/percentile.js';
import type { GetEarlyStoppingRulesReply__Output } from '../../shared/wire/generated/api/v1/beta1/GetEarlyStoppingRulesReply.js';
import type { GetEarlyStoppingRulesRequest } from '../../shared/wire/generated/api/v1/beta1/GetEarlyStoppingRulesRequest.js';
import type { GetSuggestionsRequest } from '../../shared/wire/generated/api/v1/beta1/GetSuggestionsRequest.js';
import { CALL_HANG_GUARD_MS } from '../support/hang-guard.js';
import { skipUnlessStockEnvironment } from '../support/stock-environment.js';

const problem = problemDefinition('curves-crossing');
const curveOf = (assignments: Record<string, string>) => learningCurveFor(problem)(parseAssignmentValues(problem, assignments));
const START_STEP = 3;
const MAX_TRIALS = 16;
const EPOCHS = problem.epochs!;
const durationSeconds = (number: number) => 60 + ((number * 37) % 200);

/** Both services' calls, in the order the controller made them. */
interface Traffic {
  order: string[];
  suggestionRequests: GetSuggestionsRequest[];
  rulesRequests: GetEarlyStoppingRulesRequest[];
  rulesReplies: GetEarlyStoppingRulesReply__Output[];
  stopped: string[];
}

function recordSuggestions(inner: SuggestionEndpoint, traffic: Traffic): SuggestionEndpoint {
  return {
    async validateAlgorithmSettings(request) {
      traffic.order.push('ValidateAlgorithmSettings');
      await inner.validateAlgorithmSettings(request);
    },
    async getSuggestions(request) {
      traffic.order.push('GetSuggestions');
      traffic.suggestionRequests.push(structuredClone(request));
      return inner.getSuggestions(request);
    },
    close: () => inner.close(),
  };
}

function recordEarlyStopping(inner: EarlyStoppingEndpoint, traffic: Traffic): EarlyStoppingEndpoint {
  return {
    async validateEarlyStoppingSettings(request) {
      traffic.order.push('ValidateEarlyStoppingSettings');
      await inner.validateEarlyStoppingSettings(request);
    },
    async getEarlyStoppingRules(request) {
      traffic.order.push('GetEarlyStoppingRules');
      traffic.rulesRequests.push(structuredClone(request));
      const reply = await inner.getEarlyStoppingRules(request);
      traffic.rulesReplies.push(reply);
      return reply;
    },
    async setTrialStatus(request) {
      traffic.order.push('SetTrialStatus');
      traffic.stopped.push(request.trial_name!);
      await inner.setTrialStatus(request);
    },
    close: () => inner.close(),
  };
}

/** Our medianstop's rule value: the median of the averages. */
const medianOf = (averages: number[]) => median(averages);
/** The stock service's: their mean, which it calls the median. */
const meanOf = (averages: number[]) => averages.reduce((sum, value) => sum + value, 0) / averages.length;

// Katib's stock medianstop, from the Katib checkout bench/stock/setup.sh prepared; without it that suite skips and
// says why, except where it is required (skipUnlessStockEnvironment).
const stockMissing = stockServiceMissing('medianstop');
const stockSkip = skipUnlessStockEnvironment(stockMissing === undefined ? undefined : `stock medianstop not set up: ${stockMissing}`);

describeLoop('our medianstop', startOurMedianStop, medianOf, false);
describeLoop("Katib's stock medianstop", startKatibMedianStop(undefined), meanOf, stockSkip);

function describeLoop(
  service: string,
  start: (environment: EarlyStoppingEnvironment) => Promise<EarlyStoppingService>,
  ruleValue: (averages: number[]) => number,
  skip: string | false,
): void {
  describe(`Katib's early-stopping loop, through ${service} over gRPC, with the random service`, { skip }, () => {
    let random: ServiceProcess;
    let suggestions: SuggestionEndpoint;
    let open: OpenHarness;
    const traffic: Traffic = { order: [], suggestionRequests: [], rulesRequests: [], rulesReplies: [], stopped: [] };
    let outcome: ExperimentOutcome;

    before(async () => {
      random = await startServiceProcess('random');
      suggestions = grpcSuggestionEndpoint(random.address, { deadlineMs: CALL_HANG_GUARD_MS });
      open = await openEarlyStoppingHarness(start, CALL_HANG_GUARD_MS);
      outcome = await runSimulatedExperiment(recordSuggestions(suggestions, traffic), {
        settings: {
          name: 'stopping-loop',
          problem,
          algorithmName: 'random',
          algorithmSettings: [],
          parallelTrialCount: 3,
          maxTrialCount: MAX_TRIALS,
          earlyStopping: {
            algorithmName: 'medianstop',
            algorithmSettings: [
              { name: 'min_trials_required', value: '2' },
              { name: 'start_step', value: String(START_STEP) },
            ],
          },
        },
        learningCurve: learningCurveFor(problem),
        epochs: EPOCHS,
        durationSeconds,
        earlyStopping: { ...open.harness, endpoint: recordEarlyStopping(open.harness.endpoint, traffic) },
      });
    });

    after(async () => {
      suggestions?.close();
      await open?.close();
      await random?.stop();
    });

    it('validates both services first, then follows every GetSuggestions with GetEarlyStoppingRules for the same trials', () => {
      assert.equal(outcome.error, undefined);
      assert.deepEqual(traffic.order.slice(0, 2), ['ValidateAlgorithmSettings', 'ValidateEarlyStoppingSettings']);
      const calls = traffic.order.filter((call) => call === 'GetSuggestions' || call === 'GetEarlyStoppingRules');
      assert.deepEqual(calls, traffic.suggestionRequests.flatMap(() => ['GetSuggestions', 'GetEarlyStoppingRules']));
      traffic.rulesRequests.forEach((request, index) => {
        assert.deepEqual(request.trials, traffic.suggestionRequests[index]!.trials);
        assert.deepEqual(request.experiment, traffic.suggestionRequests[index]!.experiment);
        assert.equal(request.db_manager_address, open.harness.dbManagerAddress);
      });
    });

    it('gets no rule before min_trials_required trials succeeded, then the median (or the stock mean) of their first start_step reports', () => {
      let ruled = 0;
      traffic.rulesRequests.forEach((request, index) => {
        const succeeded = request.trials!.filter((trial) => trial.status!.condition === 'SUCCEEDED');
        const rules = traffic.rulesReplies[index]!.early_stopping_rules;
        if (succeeded.length < 2) {
          assert.deepEqual(rules, []);
          return;
        }
        ruled++;
        const averages = succeeded.map((trial) => {
          const assignments = Object.fromEntries(trial.spec!.parameter_assignments!.assignments!.map(({ name, value }) => [name!, value!]));
          const first = curveOf(assignments).slice(0, START_STEP);
          return first.reduce((sum, value) => sum + value, 0) / first.length;
        });
        assert.equal(rules.length, 1);
        assert.equal(rules[0]!.name, 'validation_loss');
        assert.equal(rules[0]!.comparison, 'GREATER');
        assert.equal(rules[0]!.start_step, START_STEP);
        const expected = ruleValue(averages);
        assert.ok(Math.abs(Number(rules[0]!.value) - expected) <= 1e-9 * expected, `${rules[0]!.value} vs ${expected}`);
      });
      assert.ok(ruled > 0, 'no request ever had enough succeeded trials');
    });

    it("stops each trial where the collector meets its rules, and charges only the epochs it ran", () => {
      const rulesOfTrial = new Map<number, GetEarlyStoppingRulesReply__Output['early_stopping_rules']>();
      traffic.suggestionRequests.forEach((request, index) => {
        for (let number = request.total_request_number! - request.current_request_number! + 1; number <= request.total_request_number!; number++) {
          rulesOfTrial.set(number, traffic.rulesReplies[index]!.early_stopping_rules);
        }
      });
      assert.equal(outcome.trials.length, MAX_TRIALS);
      for (const trial of outcome.trials) {
        const curve = curveOf(trial.assignments);
        const stop = earlyStoppingStep(curve, rulesOfTrial.get(trial.number)!, { metricName: 'validation_loss', type: 'minimize' });
        assert.equal(trial.earlyStopped === true, stop !== undefined, `trial ${trial.number}`);
        assert.equal(trial.epochs, stop ?? EPOCHS, `trial ${trial.number}`);
        assert.equal(trial.value, Math.min(...curve.slice(0, trial.epochs)));
        assert.ok(Math.abs(trial.completionSeconds - trial.startSeconds - (durationSeconds(trial.number) * trial.epochs!) / EPOCHS) < 1e-9);
      }
      const stopped = outcome.trials.filter((trial) => trial.earlyStopped);
      assert.ok(stopped.length > 0, 'no trial was stopped');
      assert.ok(stopped.every((trial) => trial.epochs === START_STEP));
      assert.ok(outcome.trials.some((trial) => !trial.earlyStopped && rulesOfTrial.get(trial.number)!.length > 0), 'every ruled trial was stopped');
    });

    it('calls SetTrialStatus once for each stopped trial, and later requests carry it EarlyStopped with the observation it reached', () => {
      const stopped = outcome.trials.filter((trial) => trial.earlyStopped).map((trial) => `stopping-loop-${trial.number}`);
      assert.deepEqual([...traffic.stopped].sort(), [...stopped].sort());
      const last = traffic.suggestionRequests.at(-1)!;
      for (const trial of outcome.trials.filter((candidate) => candidate.earlyStopped)) {
        const sent = last.trials!.find((candidate) => candidate.name === `stopping-loop-${trial.number}`);
        if (sent === undefined) continue; // stopped after the last request
        assert.equal(sent.status!.condition, 'EARLYSTOPPED');
        assert.deepEqual(sent.status!.observation!.metrics, [{ name: 'validation_loss', value: String(trial.value) }]);
      }
      assert.ok(last.trials!.some((trial) => trial.status!.condition === 'EARLYSTOPPED'), 'no early-stopped trial in the last request');
      assert.equal(outcome.rulesCalls!.length, traffic.rulesRequests.length);
    });
  });
}
