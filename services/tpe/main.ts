import { runSuggestionService } from '../../shared/server/suggestion-service.js';
import { multivariateTpe, tpe } from './tpe-algorithms.js';

runSuggestionService('tpe', [tpe, multivariateTpe]);
