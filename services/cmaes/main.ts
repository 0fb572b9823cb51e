import { runSuggestionService } from '../../shared/server/suggestion-service.js';
import { cmaesService } from './service.js';

runSuggestionService(cmaesService);
