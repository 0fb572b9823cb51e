import { runSuggestionService } from '../../shared/server/suggestion-service.js';
import { bayesianOptimization } from './bayesian-optimization.js';

runSuggestionService('bayesianoptimization', [bayesianOptimization]);
