import { hyperband } from '../../services/hyperband/hyperband.js';
import { runConformanceSuite } from '../support/conformance.js';
import { intParameter } from '../support/requests.js';

// The suite's requests do not carry replies' settings back, so every call here sees a fresh plan: the
// bracket logic is tested with a Katib-like loop in hyperband-service.test.ts. In the small spaces the budget
// takes one value (r_l 1: one bracket of one rung), so they are exhausted as the suite expects.
runConformanceSuite(hyperband, {
  settings: { resource_name: 'budget', r_l: '9', eta: '3' },
  budgetParameter: intParameter('budget', '1', '1'),
  finiteSpaceSettings: { resource_name: 'budget', r_l: '1' },
});
