import { suggestionService } from '../../shared/algorithm/service-definition.js';
import { gridSearch } from './grid-search.js';

export const gridService = suggestionService('grid', [gridSearch]);
