import type { AlgorithmSetting } from '../../shared/wire/generated/api/v1/beta1/AlgorithmSetting.js';
import { rngFromText } from '../../shared/random/seed.js';
import type { GetSuggestionsRequest } from '../../shared/wire/generated/api/v1/beta1/GetSuggestionsRequest.js';
import type { Trial } from '../../shared/wire/generated/api/v1/beta1/Trial.js';
import { experimentMessage, trialMessage } from '../controller/katib-messages.js';
import { parseAssignmentValues } from '../problems/assignment-values.js';
import { objectiveFor } from '../problems/objective-functions.js';
import type { ProblemDefinition } from '../problems/problem-catalog.js';
import { randomAssignments } from '../problems/random-assignment.js';

/** `count` succeeded trials at random points of the problem's space, with their objective values; the same for every target. */
export function completedTrials(problem: ProblemDefinition, count: number): Trial[] {
  const rng = rngFromText(`latency:${problem.name}:${count}`);
  const objective = objectiveFor(problem);
  return Array.from({ length: count }, (_, i) => {
    const assignments = randomAssignments(problem, rng);
    const value = objective(parseAssignmentValues(problem, assignments));
    return trialMessage(
      {
        name: `latency-h${count}-${i + 1}`,
        assignments: Object.entries(assignments).map(([name, text]) => ({ name, value: text })),
        phase: 'SUCCEEDED',
        startSeconds: 60 * i,
        completionSeconds: 60 * i + 60,
        metricValue: String(value),
      },
      problem,
    );
  });
}

/**
 * A GetSuggestions request with the given history asking for `batch` assignments. Each repetition gets its own
 * experiment name, so its seed, and therefore its request, differs: a cache cannot answer it.
 */
export function latencyRequest(
  problem: ProblemDefinition,
  algorithm: { name: string; settings: AlgorithmSetting[] },
  history: readonly Trial[],
  batch: number,
  experimentName: string,
): GetSuggestionsRequest {
  return {
    experiment: experimentMessage({
      name: experimentName,
      problem,
      algorithmName: algorithm.name,
      algorithmSettings: algorithm.settings,
      parallelTrialCount: batch,
      maxTrialCount: history.length + batch,
    }),
    trials: [...history],
    current_request_number: batch,
    total_request_number: history.length + batch,
  };
}
