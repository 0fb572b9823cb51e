import { runSuggestionService } from '../../shared/server/suggestion-service.js';
import { randomService } from './service.js';

runSuggestionService(randomService);
