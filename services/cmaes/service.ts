import { suggestionService } from '../../shared/algorithm/service-definition.js';
import { cmaes } from './cmaes.js';

export const cmaesService = suggestionService('cmaes', [cmaes]);
