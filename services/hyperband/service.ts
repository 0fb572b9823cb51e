import { suggestionService } from '../../shared/algorithm/service-definition.js';
import { hyperband } from './hyperband.js';

export const hyperbandService = suggestionService('hyperband', [hyperband]);
