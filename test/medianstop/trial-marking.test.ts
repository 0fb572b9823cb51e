import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ServiceError } from '../../shared/errors/service-error.js';
import { trialNamespace, SERVICE_ACCOUNT_NAMESPACE_FILE } from '../../services/medianstop/kubernetes/kubernetes-trial-store.js';
import { markTrialEarlyStopped } from '../../services/medianstop/kubernetes/mark-trial-early-stopped.js';
import { earlyStoppedCondition, withEarlyStoppedCondition, type TrialObject } from '../../services/medianstop/kubernetes/trial-conditions.js';
import { WriteConflict, type TrialStore } from '../../services/medianstop/kubernetes/trial-store.js';

/** The read-modify-write logic of SetTrialStatus against an in-memory store. */

const AT = new Date('2026-11-21T08:30:15.999Z');

class MemoryTrialStore implements TrialStore {
  readonly namespace = 'memory';
  writes = 0;
  constructor(
    public trial: TrialObject,
    private conflicts: number,
  ) {}
  async get(): Promise<TrialObject> {
    return structuredClone(this.trial);
  }
  async replaceStatus(_name: string, trial: TrialObject): Promise<void> {
    this.writes++;
    if (this.conflicts-- > 0) throw new WriteConflict('t');
    this.trial = trial;
  }
}

test('the condition is stamped to the second, RFC 3339', () => {
  assert.deepEqual(earlyStoppedCondition(AT), {
    type: 'EarlyStopped',
    status: 'True',
    reason: 'TrialEarlyStopped',
    message: 'Trial is early stopped: its objective was worse than the median stopping rule allows',
    lastUpdateTime: '2026-11-21T08:30:15Z',
    lastTransitionTime: '2026-11-21T08:30:15Z',
  });
});

test('a trial without a status gets one; an EarlyStopped condition that is not True is replaced in place', () => {
  const condition = earlyStoppedCondition(AT);
  assert.deepEqual(withEarlyStoppedCondition({ metadata: { name: 't' } }, condition), { metadata: { name: 't' }, status: { conditions: [condition] } });
  const running = { type: 'Running', status: 'True' };
  const stale = { type: 'EarlyStopped', status: 'False' };
  assert.deepEqual(withEarlyStoppedCondition({ status: { conditions: [stale, running] } }, condition), { status: { conditions: [condition, running] } });
});

test('conflicts are retried, then reported as UNAVAILABLE once they do not stop', async () => {
  const twice = new MemoryTrialStore({ status: { conditions: [] } }, 2);
  assert.equal(await markTrialEarlyStopped(twice, 't', () => AT), 'marked');
  assert.equal(twice.writes, 3);
  assert.deepEqual(twice.trial.status!.conditions, [earlyStoppedCondition(AT)]);

  const forever = new MemoryTrialStore({ status: { conditions: [] } }, Infinity);
  await assert.rejects(markTrialEarlyStopped(forever, 't', () => AT), (error: unknown) => {
    assert.ok(error instanceof ServiceError && error.kind === 'write-contention', String(error));
    assert.match(error.message, /trial "t" in namespace "memory" changed during each of 5 attempts/);
    return true;
  });
});

test('the namespace comes from NAMESPACE, else from the service account file', () => {
  const files: Record<string, string> = { [SERVICE_ACCOUNT_NAMESPACE_FILE]: 'team-a\n' };
  const read = (path: string): string => {
    const text = files[path];
    if (text === undefined) throw new Error(`ENOENT: ${path}`);
    return text;
  };
  assert.equal(trialNamespace({ NAMESPACE: 'team-b' }, read), 'team-b');
  assert.equal(trialNamespace({}, read), 'team-a');
  assert.throws(() => trialNamespace({}, () => ''), /serviceaccount\/namespace is empty and NAMESPACE is not set/);
  assert.throws(() => trialNamespace({ NAMESPACE: ' ' }, () => { throw new Error('ENOENT'); }), (error: unknown) => error instanceof ServiceError && error.kind === 'not-configured');
});
