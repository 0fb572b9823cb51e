import { runSuggestionService } from '../../shared/server/suggestion-service.js';
import { randomSearch } from './random-search.js';

runSuggestionService('random', [randomSearch]);
