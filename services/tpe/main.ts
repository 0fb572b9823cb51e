import { runSuggestionService } from '../../shared/server/suggestion-service.js';
import { tpeService } from './service.js';

runSuggestionService(tpeService);
