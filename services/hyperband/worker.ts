import { serveSuggestionWorker } from '../../shared/server/suggestion-service.js';
import { hyperbandService } from './service.js';

// A worker thread's entry, started by main.ts's worker pool: the algorithms run here.
serveSuggestionWorker(hyperbandService);
