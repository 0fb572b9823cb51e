import { multivariateTpe, tpe } from '../../services/tpe/tpe-algorithms.js';
import { runConformanceSuite } from '../support/conformance.js';

// `tpe` with its defaults (the model takes over after 10 trials, within the suite's longer experiments);
// `multivariate-tpe` with the other stock spelling of its settings and an early model, so short histories use it too.
runConformanceSuite(tpe);
runConformanceSuite(multivariateTpe, { settings: { n_startup_trials: '2', n_ei_candidates: '16' } });
