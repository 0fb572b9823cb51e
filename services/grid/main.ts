import { runSuggestionService } from '../../shared/server/suggestion-service.js';
import { gridSearch } from './grid-search.js';

runSuggestionService('grid', [gridSearch]);
