import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { progressBar } from '../../bench/progress/progress-bar.js';

function fakeStream(isTTY: boolean, columns = 60) {
  const written: string[] = [];
  const stream = { isTTY, columns, write: (text: string) => written.push(text) } as unknown as NodeJS.WriteStream;
  return { stream, written };
}

describe('progress bar', () => {
  const ci = process.env['CI'];
  afterEach(() => {
    if (ci === undefined) delete process.env['CI'];
    else process.env['CI'] = ci;
  });

  it('draws a bar with counts and the unit just done on a terminal', () => {
    delete process.env['CI'];
    const { stream, written } = fakeStream(true, 60);
    const progress = progressBar(4, stream);
    progress.advance('tpe · branin · seed 0');
    progress.finish();
    assert.match(written[1]!, /^\r\[######------------------\] 1\/4 ETA \S+ tpe · branin · seed 0 *$/);
    assert.equal(written[1]!.length, 1 + 59);
    assert.equal(written[written.length - 1], '\n');
  });

  it('writes nothing when the stream is not a terminal, or when CI=true', () => {
    delete process.env['CI'];
    const pipe = fakeStream(false);
    progressBar(2, pipe.stream).advance('x');
    assert.deepEqual(pipe.written, []);
    process.env['CI'] = 'true';
    const terminal = fakeStream(true);
    const progress = progressBar(2, terminal.stream);
    progress.advance('x');
    progress.finish();
    assert.deepEqual(terminal.written, []);
  });
});
