import { suggestionService } from '../../shared/algorithm/service-definition.js';
import { bayesianOptimization } from './bayesian-optimization.js';

export const bayesianOptimizationService = suggestionService('bayesianoptimization', [bayesianOptimization]);
