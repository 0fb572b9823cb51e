import { runSuggestionService } from '../../shared/server/suggestion-service.js';
import { bayesianOptimizationService } from './service.js';

runSuggestionService(bayesianOptimizationService);
