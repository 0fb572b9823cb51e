import { runSuggestionService } from '../../shared/server/suggestion-service.js';
import { sobolService } from './service.js';

// The process entry; each worker thread starts worker.ts instead.
runSuggestionService(sobolService, new URL('./worker.js', import.meta.url));
