import { repoPath } from '../../shared/repo-root.js';

/** Katib's wire fixtures: requests encoded by Katib's own Go code (`npm run fixtures:katib` writes them). */
export const FIXTURES_DIR = repoPath('test', 'fixtures', 'katib');
