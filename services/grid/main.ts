import { runSuggestionService } from '../../shared/server/suggestion-service.js';
import { gridService } from './service.js';

runSuggestionService(gridService);
