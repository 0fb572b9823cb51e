import { suggestionService } from '../../shared/algorithm/service-definition.js';
import { randomSearch } from './random-search.js';

export const randomService = suggestionService('random', [randomSearch]);
