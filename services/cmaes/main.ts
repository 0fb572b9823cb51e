import { runSuggestionService } from '../../shared/server/suggestion-service.js';
import { cmaesService } from './service.js';

// The process entry; each worker thread starts worker.ts instead.
runSuggestionService(cmaesService, new URL('./worker.js', import.meta.url));
