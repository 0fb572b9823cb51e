import { runSuggestionService } from '../../shared/server/suggestion-service.js';
import { bayesianOptimizationService } from './service.js';

// The process entry; each worker thread starts worker.ts instead.
runSuggestionService(bayesianOptimizationService, new URL('./worker.js', import.meta.url));
