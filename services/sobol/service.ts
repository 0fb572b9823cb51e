import { suggestionService } from '../../shared/algorithm/service-definition.js';
import { sobolSearch } from './sobol-search.js';

export const sobolService = suggestionService('sobol', [sobolSearch]);
