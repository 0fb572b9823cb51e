import { runSuggestionService } from '../../shared/server/suggestion-service.js';
import { tpeService } from './service.js';

// The process entry; each worker thread starts worker.ts instead.
runSuggestionService(tpeService, new URL('./worker.js', import.meta.url));
