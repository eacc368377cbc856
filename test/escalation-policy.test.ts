import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  decideEscalation,
  isRecoveryHeld,
  recoveryNote,
  type EscalationInput,
  type StatusRef,
} from '../src/domain/escalation.ts';

const up: StatusRef = { slug: 'up', level: 'NORMAL' };
const warning: StatusRef = { slug: 'warning', level: 'WARNING' };
const down: StatusRef = { slug: 'down', level: 'ERROR' };
const critical: StatusRef = { slug: 'critical', level: 'CRITICAL' };
const maintenance: StatusRef = { slug: 'maintenance', level: 'WARNING' };

const on = { recoveryNeedsHuman: true, minChangeIntervalMs: 0 };
const off = { recoveryNeedsHuman: false, minChangeIntervalMs: 0 };
const slow = { recoveryNeedsHuman: false, minChangeIntervalMs: 300_000 };

const base: EscalationInput = {
  policy: on,
  source: 'check',
  current: down,
  requested: up,
  informational: false,
  now: 1_000_000,
  lastChangeAt: null,
  recoveryPending: false,
};

const table: Array<[string, Partial<EscalationInput>, ReturnType<typeof decideEscalation>]> = [
  ['automation up from ERROR becomes a note', {}, { action: 'note' }],
  ['automation up from CRITICAL becomes a note', { current: critical }, { action: 'note' }],
  ['automation CRITICAL -> ERROR is lowering too: a note', { current: critical, requested: down }, { action: 'note' }],
  ['automation warning from ERROR becomes a note', { requested: warning }, { action: 'note' }],
  ['a second recovery report while the note stands is ignored', { recoveryPending: true }, { action: 'ignore' }],
  ['every automated source is held', { source: 'push' }, { action: 'note' }],
  ['events-scope tokens are held', { source: 'token' }, { action: 'note' }],
  ['alertmanager is held', { source: 'alertmanager' }, { action: 'note' }],
  ['automation down is allowed', { current: up, requested: down }, { action: 'post' }],
  ['automation raising ERROR -> CRITICAL is allowed', { current: down, requested: critical }, { action: 'post' }],
  ['automation up from WARNING is allowed (not ERROR)', { current: warning, requested: up }, { action: 'post' }],
  ['automation at the same status posts (a new message)', { requested: down }, { action: 'post' }],
  ['a human may recover', { source: undefined }, { action: 'post' }],
  ['a human may lower CRITICAL', { source: undefined, current: critical, requested: warning }, { action: 'post' }],
  ['notes are always posted', { informational: true }, { action: 'post' }],
  ['policy off: automation recovers', { policy: off }, { action: 'post' }],
  ['first event of a service', { current: null }, { action: 'post' }],
  [
    'flapping: a change within the minimum interval is suppressed',
    { policy: slow, current: up, requested: down, lastChangeAt: 900_000 },
    { action: 'suppress', retryAt: 1_200_000 },
  ],
  [
    'flapping: after the interval it is allowed',
    { policy: slow, current: up, requested: down, lastChangeAt: 700_000 },
    { action: 'post' },
  ],
  [
    'flapping: the same status is not a change',
    { policy: slow, current: down, requested: down, lastChangeAt: 999_000 },
    { action: 'post' },
  ],
  [
    'flapping: same level, another status is a change',
    { policy: slow, current: warning, requested: maintenance, lastChangeAt: 999_000 },
    { action: 'suppress', retryAt: 1_299_000 },
  ],
  [
    'flapping does not bind humans',
    { policy: slow, source: undefined, current: up, requested: down, lastChangeAt: 999_000 },
    { action: 'post' },
  ],
  [
    'flapping: exactly at the end of the interval a change is allowed again',
    { policy: slow, current: up, requested: down, lastChangeAt: 700_000 },
    { action: 'post' },
  ],
  [
    'flapping: one millisecond before the end it is still suppressed',
    { policy: slow, current: up, requested: down, lastChangeAt: 700_001 },
    { action: 'suppress', retryAt: 1_000_001 },
  ],
  [
    'flapping: no known last change, nothing to wait for',
    { policy: slow, current: up, requested: down, lastChangeAt: null },
    { action: 'post' },
  ],
  [
    'flapping: the first event of a service is never suppressed',
    { policy: slow, current: null, requested: down, lastChangeAt: 999_000 },
    { action: 'post' },
  ],
  [
    'a held recovery from ERROR to WARNING-level maintenance is a note too',
    { requested: maintenance },
    { action: 'note' },
  ],
  [
    'both: a held recovery is a note even within the interval',
    { policy: { recoveryNeedsHuman: true, minChangeIntervalMs: 300_000 }, lastChangeAt: 999_000 },
    { action: 'note' },
  ],
];

describe('escalation policy (pure)', () => {
  for (const [name, change, expected] of table) {
    it(name, () => assert.deepEqual(decideEscalation({ ...base, ...change }), expected));
  }

  it('says which source waits for confirmation, with the message it sent', () => {
    assert.equal(recoveryNote('check', ''), 'Checks pass again; waiting for confirmation');
    assert.equal(recoveryNote('heartbeat', '   '), 'Heartbeats arrive again; waiting for confirmation');
    assert.equal(
      recoveryNote('alertmanager', 'HighLatency resolved'),
      'Alerts resolved; waiting for confirmation (HighLatency resolved)',
    );
  });

  it('holds recoveries only from ERROR or worse, and only downwards', () => {
    assert.equal(isRecoveryHeld(null, up), false);
    assert.equal(isRecoveryHeld(warning, up), false);
    assert.equal(isRecoveryHeld(down, up), true);
    assert.equal(isRecoveryHeld(down, down), false);
    assert.equal(isRecoveryHeld(critical, down), true);
    assert.equal(isRecoveryHeld(down, critical), false);
  });
});
