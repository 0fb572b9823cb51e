import { runSuggestionService } from '../../shared/server/suggestion-service.js';
import { hyperbandService } from './service.js';

// The process entry; each worker thread starts worker.ts instead.
runSuggestionService(hyperbandService, new URL('./worker.js', import.meta.url));
