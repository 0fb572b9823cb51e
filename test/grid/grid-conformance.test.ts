import { gridSearch } from '../../services/grid/grid-search.js';
import { runConformanceSuite } from '../support/conformance.js';

runConformanceSuite(gridSearch, { needsFiniteSpace: true });
