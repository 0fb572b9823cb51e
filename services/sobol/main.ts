import { runSuggestionService } from '../../shared/server/suggestion-service.js';
import { sobolService } from './service.js';

runSuggestionService(sobolService);
