import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { Rng } from '../../shared/random/rng.js';
import { ServiceError } from '../../shared/errors/service-error.js';
import { formatDouble, parseDecimal } from '../../shared/space/numbers.js';
import { categoricalParameter, discreteParameter, doubleParameter, intParameter, searchSpaceOf } from '../support/requests.js';

const space = searchSpaceOf;

describe('numbers', () => {
  it('parses only finite decimal numbers', () => {
    assert.equal(parseDecimal(' 1.5e-3 '), 0.0015);
    assert.equal(parseDecimal('.5'), 0.5);
    for (const bad of ['', 'abc', '1,5', 'NaN', 'Infinity', '0x10', '1e999', '--1']) assert.equal(parseDecimal(bad), undefined, bad);
  });

  it('formats doubles without binary noise', () => {
    assert.equal(formatDouble(0.01 + 4 * 0.005), '0.03');
    assert.equal(formatDouble(0.1 + 0.2), '0.3');
    assert.equal(formatDouble(-0), '0');
  });
});

describe('dimensions encode and decode exactly', () => {
  it('an INT lattice gives each integer an equal cell, centred on it', () => {
    const [dimension] = space(intParameter('n', '1', '4')).dimensions;
    assert.deepEqual([0.125, 0.375, 0.625, 0.875].map((u) => dimension!.decode(u)), ['1', '2', '3', '4']);
    assert.equal(dimension!.encode('3'), 0.625);
    assert.equal(dimension!.decode(0), '1');
    assert.equal(dimension!.decode(1), '4');
  });

  it('a stepped DOUBLE snaps off-lattice trial values to the nearest lattice point', () => {
    const [dimension] = space(doubleParameter('lr', '0.01', '0.05', { step: '0.005' })).dimensions;
    assert.equal(dimension!.size, 9);
    assert.equal(dimension!.decode(dimension!.encode('0.024800000000000003')), '0.025');
    assert.equal(dimension!.decode(dimension!.encode('0.05')), '0.05');
  });

  it('a 0.01 step over [0.01, 0.05] has five points despite floating-point error', () => {
    assert.equal(space(doubleParameter('lr', '0.01', '0.05', { step: '0.01' })).dimensions[0]!.size, 5);
  });

  it('a log-uniform DOUBLE is linear in log(value)', () => {
    const [dimension] = space(doubleParameter('lr', '0.001', '1', { distribution: 'LOG_UNIFORM' })).dimensions;
    assert.equal(dimension!.decode(0.5), formatDouble(Math.sqrt(0.001)));
    assert.ok(Math.abs(dimension!.encode('0.01') - 1 / 3) < 1e-12);
  });

  it('DISCRETE values are ordered by number and recognised by number; CATEGORICAL ones by exact string', () => {
    const [discrete, categorical] = space(discreteParameter('d', ['0.5', '0.10', '2']), categoricalParameter('c', ['b', 'a'])).dimensions;
    assert.deepEqual([1 / 6, 0.5, 5 / 6].map((u) => discrete!.decode(u)), ['0.10', '0.5', '2']);
    assert.equal(discrete!.encode('0.1'), 1 / 6);
    assert.equal(categorical!.decode(0.1), 'b');
    assert.throws(() => categorical!.encode('B'), ServiceError);
  });

  it('decode(encode(v)) is v for every value a finite dimension can take, and encode(decode(u)) is stable', () => {
    const finite = space(
      intParameter('i', '-7', '300', { step: '3' }),
      intParameter('li', '1', '5000', { distribution: 'LOG_UNIFORM' }),
      doubleParameter('ld', '0.0001', '0.1', { step: '0.0007', distribution: 'LOG_NORMAL' }),
      discreteParameter('d', ['1', '3', '2.5']),
    );
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1, noNaN: true }), fc.nat(), (u, which) => {
        const dimension = finite.dimensions[which % finite.dimensions.length]!;
        const value = dimension.decode(u);
        assert.equal(dimension.decode(dimension.encode(value)), value);
        assert.equal(dimension.encode(dimension.decode(dimension.encode(value))), dimension.encode(value));
      }),
      { numRuns: 2000 },
    );
  });

  it('a continuous DOUBLE stays within [min, max] and round-trips its canonical strings', () => {
    const [dimension] = space(doubleParameter('x', '-2.5', '7.25')).dimensions;
    fc.assert(
      fc.property(fc.double({ min: -1, max: 2, noNaN: true }), (u) => {
        const value = dimension!.decode(u);
        const number = Number(value);
        assert.ok(number >= -2.5 && number <= 7.25);
        assert.equal(dimension!.decode(dimension!.encode(value)), value);
      }),
    );
  });

  it('samples NORMAL parameters around the middle of the range, inside it', () => {
    const [dimension] = space(doubleParameter('x', '0', '60', { distribution: 'NORMAL' })).dimensions;
    const rng = new Rng([1, 2, 3, 4]);
    const values = Array.from({ length: 4000 }, () => Number(dimension!.decode(dimension!.sample(rng))));
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const sd = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
    assert.ok(values.every((v) => v >= 0 && v <= 60));
    assert.ok(Math.abs(mean - 30) < 0.6, `mean ${mean}`);
    assert.ok(Math.abs(sd - 10) < 0.6, `sd ${sd}`);
  });

  it('has one prior for NORMAL and LOG_NORMAL: between the end values a trial can take; none for the others', () => {
    // INT 0..10 by 4: the values are 0, 4, 8, so the prior centres on 4, not on 5.
    const [lattice, logNormal, uniform, list] = space(
      intParameter('n', '0', '10', { step: '4', distribution: 'NORMAL' }),
      doubleParameter('lr', '0.001', '0.1', { distribution: 'LOG_NORMAL' }),
      doubleParameter('u', '0', '1'),
      categoricalParameter('c', ['a', 'b']),
    ).dimensions;
    assert.equal(lattice!.decode(lattice!.prior!.centre), '4');
    assert.ok(Math.abs(lattice!.prior!.sigma - (lattice!.unitOfIndex(2) - lattice!.unitOfIndex(0)) / 6) < 1e-15);
    assert.deepEqual(logNormal!.prior, { centre: 0.5, sigma: 1 / 6 });
    assert.equal(uniform!.prior, undefined);
    assert.equal(list!.prior, undefined);
    const rng = new Rng([5, 6, 7, 8]);
    const draws = Array.from({ length: 4000 }, () => Number(lattice!.decode(lattice!.sample(rng))));
    const mean = draws.reduce((a, b) => a + b, 0) / draws.length;
    assert.ok(Math.abs(mean - 4) < 0.1, `mean ${mean}`);
  });
});

describe('the search space', () => {
  it('counts and enumerates a finite space in mixed-radix order, first parameter slowest', () => {
    const grid = space(intParameter('a', '1', '2'), categoricalParameter('b', ['x', 'y', 'z']));
    assert.equal(grid.size, 6);
    const listed = Array.from({ length: 6 }, (_, i) => grid.decode(grid.pointAt(i)).map((a) => a.value).join(''));
    assert.deepEqual(listed, ['1x', '1y', '1z', '2x', '2y', '2z']);
    for (let i = 0; i < 6; i++) assert.equal(grid.indexOf(grid.pointAt(i)), i);
  });

  it('is infinite with a continuous parameter', () => {
    assert.equal(space(doubleParameter('x', '0', '1'), intParameter('a', '1', '2')).size, Infinity);
  });

  it('treats a DOUBLE with min == max as its single value', () => {
    const single = space(doubleParameter('x', '0.5', '0.5'));
    assert.equal(single.size, 1);
    assert.equal(single.decode([0.9])[0]!.value, '0.5');
  });
});
