import { bayesianOptimization } from '../../services/bayesianoptimization/bayesian-optimization.js';
import { runConformanceSuite } from '../support/conformance.js';

// Three initial points, so that most of the suite's requests go through the GP rather than the initial design.
runConformanceSuite(bayesianOptimization, { settings: { n_initial_points: '3' } });
