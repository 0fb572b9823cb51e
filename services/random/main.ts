import { runSuggestionService } from '../../shared/server/suggestion-service.js';
import { randomService } from './service.js';

// The process entry; each worker thread starts worker.ts instead.
runSuggestionService(randomService, new URL('./worker.js', import.meta.url));
