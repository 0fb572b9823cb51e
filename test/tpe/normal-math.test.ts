import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { logNormalCdf, normalCdf } from '../../shared/numeric/normal.js';
import { erf, erfc, log1mExp, logNormalMass, logSumExp } from '../../services/tpe/normal-math.js';

/** |actual - expected| within `relative` of |expected|. */
function close(actual: number, expected: number, relative: number, label = ''): void {
  assert.ok(Math.abs(actual - expected) <= relative * Math.abs(expected), `${label} ${actual} vs ${expected}`);
}

describe('normal numerics', () => {
  // Reference values from a double-precision libm (CPython's math.erf / math.erfc).
  const reference: [number, number, number][] = [
    [0.1, 0.1124629160182849, 0.8875370839817152],
    [0.5, 0.5204998778130465, 0.4795001221869535],
    [1, 0.8427007929497149, 0.15729920705028513],
    [2, 0.9953222650189527, 0.004677734981047265],
    [3, 0.9999779095030014, 2.2090496998585438e-5],
    [5, 0.9999999999984626, 1.5374597944280351e-12],
    [10, 1, 2.088487583762545e-45],
    [26, 1, 5.663192408856143e-296],
  ];

  it('erf and erfc agree with a libm to about 1e-13 relative, far tails included', () => {
    for (const [x, erfValue, erfcValue] of reference) {
      close(erf(x), erfValue, 1e-14, `erf(${x})`);
      close(erf(-x), -erfValue, 1e-14, `erf(${-x})`);
      close(erfc(x), erfcValue, 1e-13, `erfc(${x})`);
      close(erfc(-x), 2 - erfcValue, 1e-15, `erfc(${-x})`);
    }
    assert.equal(erf(0), 0);
    assert.equal(erfc(Infinity), 0);
    assert.equal(erfc(-Infinity), 2);
  });

  it('log Phi stays finite and accurate where Phi underflows', () => {
    close(logNormalCdf(-1), -1.8410216450092634, 1e-14);
    close(logNormalCdf(-20), -203.91715537109724, 1e-14);
    close(logNormalCdf(-37), -689.0305855768905, 1e-13);
    // Far beyond double range: the asymptotic series -z^2/2 - log(-z) - log(sqrt(2 pi)) + log(1 - 1/z^2 + 3/z^4).
    const z = -60;
    const asymptotic = -(z * z) / 2 - Math.log(-z) - 0.5 * Math.log(2 * Math.PI) + Math.log(1 - 1 / z ** 2 + 3 / z ** 4);
    close(logNormalCdf(z), asymptotic, 1e-12);
    assert.ok(Math.abs(logNormalCdf(8)) < 1e-14);
    assert.equal(logNormalCdf(-Infinity), -Infinity);
  });

  it('the mass of an interval is right in the middle, in both tails, and for very narrow intervals', () => {
    close(Math.exp(logNormalMass(-1, 1)), 0.6826894921370859, 1e-14);
    close(Math.exp(logNormalMass(-Infinity, 0)), 0.5, 1e-14);
    close(Math.exp(logNormalMass(0.2, 0.9)), normalCdf(0.9) - normalCdf(0.2), 1e-13);
    // Mirror images in the tails give the same mass, and it matches log Phi differences far out.
    assert.equal(logNormalMass(30, 31), logNormalMass(-31, -30));
    close(logNormalMass(-31, -30), logNormalCdf(-30) + log1mExp(logNormalCdf(-31) - logNormalCdf(-30)), 1e-14);
    // A narrow interval's mass is its width times the density (to the rounding of the end points, 1e-9 of the width).
    for (const centre of [-3, 0, 0.5, 4]) {
      const width = 1e-7;
      const density = Math.exp(-(centre * centre) / 2) / Math.sqrt(2 * Math.PI);
      close(Math.exp(logNormalMass(centre - width / 2, centre + width / 2)), width * density, 1e-8, `at ${centre}`);
    }
    // Slightly wider than the midpoint rule's threshold, the two-sided formula still resolves the mass.
    close(Math.exp(logNormalMass(1 - 1e-5, 1 + 1e-5)), 2e-5 * Math.exp(-0.5) / Math.sqrt(2 * Math.PI), 1e-8);
    assert.equal(logNormalMass(1, 1), -Infinity);
  });

  it('logSumExp neither overflows nor underflows, and honours offset, length and stride', () => {
    close(logSumExp([1000, 1000]), 1000 + Math.LN2, 1e-15);
    close(logSumExp([-1000, -1000, -1000]), -1000 + Math.log(3), 1e-15);
    assert.equal(logSumExp([-Infinity, -Infinity]), -Infinity);
    close(logSumExp([0, 5, 0, 5, 0], 1, 2, 2), 5 + Math.LN2, 1e-15);
    close(log1mExp(-1e-20), Math.log(1e-20), 1e-12);
    close(log1mExp(-50), -Math.exp(-50), 1e-12);
  });
});
