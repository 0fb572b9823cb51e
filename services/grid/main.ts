import { runSuggestionService } from '../../shared/server/suggestion-service.js';
import { gridService } from './service.js';

// The process entry; each worker thread starts worker.ts instead.
runSuggestionService(gridService, new URL('./worker.js', import.meta.url));
