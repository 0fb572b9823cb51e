import { suggestionService } from '../../shared/algorithm/service-definition.js';
import { multivariateTpe, tpe } from './tpe-algorithms.js';

export const tpeService = suggestionService('tpe', [tpe, multivariateTpe]);
