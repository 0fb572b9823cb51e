import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { randomSearch } from '../../services/random/random-search.js';
import { multivariateTpe, tpe } from '../../services/tpe/tpe-algorithms.js';
import { rngFromText } from '../../shared/random/seed.js';
import { ListDimension } from '../../shared/space/list-dimension.js';
import { NumericDimension } from '../../shared/space/numeric-dimension.js';
import { SearchSpace, type Point } from '../../shared/space/search-space.js';
import { median } from '../support/experiment-runner.js';
import { tpeContext, type TrialsInput } from './tpe-context.js';

function unitSquare(): SearchSpace {
  const axis = (name: string) => new NumericDimension({ name, kind: 'double', min: 0, max: 1, step: undefined, logScale: false, normalPrior: false });
  return new SearchSpace([axis('x'), axis('y')]);
}

/** `n` random points of `space` scored by distance to (0.3, 0.3). */
function bowlHistory(space: SearchSpace, n: number, seed: string): TrialsInput {
  const rng = rngFromText(seed);
  return {
    completed: Array.from({ length: n }, () => {
      const point = space.uniformPoint(rng);
      return { point, loss: (point[0]! - 0.3) ** 2 + (point[1]! - 0.3) ** 2 };
    }),
  };
}

const distanceToOptimum = (point: Point) => Math.hypot(point[0]! - 0.3, point[1]! - 0.3);

describe('TPE sampler in-process', () => {
  for (const algorithm of [tpe, multivariateTpe]) {
    describe(algorithm.name, () => {
      it('samples at random, exactly as the random service does, until n_startup_trials trials have completed', () => {
        const space = unitSquare();
        const history = bowlHistory(space, 4, 'start-up');
        const fromTpe = algorithm.suggest(tpeContext(space, history, 3, 'seed', { n_startup_trials: '5' }));
        const fromRandom = randomSearch.suggest(tpeContext(space, history, 3, 'seed') as never);
        assert.deepEqual(fromTpe, fromRandom);
        const modelled = algorithm.suggest(tpeContext(space, history, 3, 'seed', { n_startup_trials: '4' }));
        assert.notDeepEqual(modelled, fromRandom);
      });

      it('suggests near the optimum once the model runs', () => {
        const space = unitSquare();
        const history = bowlHistory(space, 40, 'model');
        const distances = Array.from({ length: 15 }, (_, s) => distanceToOptimum(algorithm.suggest(tpeContext(space, history, 1, `near-${s}`))[0]!));
        // A uniform point lies 0.43 from (0.3, 0.3) on median; only about a quarter lie within 0.3 of it.
        assert.ok(median(distances) < 0.3, `median distance ${median(distances)}`);
      });

      it('is a function of its input: the same context gives the same points', () => {
        const space = unitSquare();
        const history = bowlHistory(space, 20, 'determinism');
        assert.deepEqual(algorithm.suggest(tpeContext(space, history, 4, 'same')), algorithm.suggest(tpeContext(space, history, 4, 'same')));
      });

      it('learns nothing from failed trials', () => {
        const space = unitSquare();
        const history = bowlHistory(space, 20, 'failed');
        const withFailures = { ...history, failed: [[0.9, 0.95], [0.95, 0.9]] };
        assert.deepEqual(algorithm.suggest(tpeContext(space, withFailures, 3, 'f')), algorithm.suggest(tpeContext(space, history, 3, 'f')));
      });

      it('steers away from pending trials (constant liar), and spreads a batch out', () => {
        const space = unitSquare();
        const history = bowlHistory(space, 30, 'liar');
        const nearPending = (pending: Point[]) =>
          median(
            Array.from({ length: 15 }, (_, s) => {
              const [point] = algorithm.suggest(tpeContext(space, { ...history, pending }, 1, `liar-${s}`));
              return Math.min(...pending.map((p) => Math.hypot(point![0]! - p[0]!, point![1]! - p[1]!)), Infinity);
            }),
          );
        const pending = [[0.3, 0.3], [0.32, 0.28], [0.28, 0.31]];
        const free = median(Array.from({ length: 15 }, (_, s) => {
          const [point] = algorithm.suggest(tpeContext(space, history, 1, `liar-${s}`));
          return Math.min(...pending.map((p) => Math.hypot(point![0]! - p[0]!, point![1]! - p[1]!)));
        }));
        assert.ok(nearPending(pending) > free, `with pending ${nearPending(pending)}, without ${free}`);
      });

      it('models spaces with single-valued parameters, which every kernel agrees on', () => {
        const space = new SearchSpace([
          new NumericDimension({ name: 'x', kind: 'double', min: 0, max: 1, step: undefined, logScale: false, normalPrior: false }),
          new NumericDimension({ name: 'fixed', kind: 'double', min: 2.5, max: 2.5, step: undefined, logScale: false, normalPrior: false }),
          new ListDimension('only', 'categorical', ['one']),
        ]);
        const rng = rngFromText('fixed');
        const completed = Array.from({ length: 20 }, () => {
          const point = space.uniformPoint(rng);
          return { point, loss: Math.abs(point[0]! - 0.7) };
        });
        const points = algorithm.suggest(tpeContext(space, { completed }, 4, 'fixed', { n_startup_trials: '0' }));
        for (const point of points) assert.deepEqual(space.decode(point).slice(1).map((a) => a.value), ['2.5', 'one']);
        assert.ok(median(points.map((point) => Math.abs(point[0]! - 0.7))) < 0.25);
      });

      it('keeps a batch distinct from itself and from every trial in a small finite space', () => {
        const space = new SearchSpace([
          new NumericDimension({ name: 'n', kind: 'int', min: 1, max: 3, step: undefined, logScale: false, normalPrior: false }),
          new ListDimension('c', 'categorical', ['a', 'b', 'c']),
        ]);
        const all = Array.from({ length: 9 }, (_, i) => space.pointAt(i));
        const trials = { completed: all.slice(0, 4).map((point, i) => ({ point, loss: i })), pending: [all[4]!], failed: [all[5]!] };
        const points = algorithm.suggest(tpeContext(space, trials, 3, 'small', { n_startup_trials: '0' }));
        const keys = points.map((point) => space.key(point));
        assert.deepEqual(new Set(keys), new Set(all.slice(6).map((point) => space.key(point))));
      });
    });
  }
});
