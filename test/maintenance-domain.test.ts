import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  MAINTENANCE_STATUSES,
  canTransition,
  checkAction,
  checkMaintenanceTransition,
  checkStart,
  checkWindow,
  dueTransition,
  initialStatus,
  isActive,
  overlaidStatus,
  parseMaintenanceStatus,
  quietNoteMessage,
  relativeFuture,
  reportToPost,
  type MaintenanceStatus,
} from '../src/domain/maintenance.ts';
import { parseCivilDate, parseClockTime, wallClockOf, zonedInstant } from '../src/domain/wall-clock.ts';
import { Conflict, Invalid } from '../src/domain/errors.ts';

describe('maintenance state table (§9.1)', () => {
  // Rows: from; columns: to, in the contract's order scheduled, in_progress, verifying, completed.
  const TABLE: Record<MaintenanceStatus, [boolean, boolean, boolean, boolean]> = {
    scheduled: [true, true, false, true],
    in_progress: [false, true, true, true],
    verifying: [false, true, true, true],
    completed: [false, false, false, true],
  };
  for (const from of MAINTENANCE_STATUSES) {
    MAINTENANCE_STATUSES.forEach((to, i) => {
      const allowed = TABLE[from][i]!;
      it(`${from} → ${to}: ${allowed ? 'allowed' : '409'}`, () => {
        assert.equal(canTransition(from, to), allowed);
        if (allowed) checkMaintenanceTransition(from, to);
        else assert.throws(() => checkMaintenanceTransition(from, to), Conflict);
      });
    });
  }

  it('active means in_progress or verifying', () => {
    assert.deepEqual(
      MAINTENANCE_STATUSES.filter((s) => isActive(s)),
      ['in_progress', 'verifying'],
    );
  });

  it('parses statuses, refusing others with the field named', () => {
    assert.equal(parseMaintenanceStatus('verifying'), 'verifying');
    assert.equal(parseMaintenanceStatus(undefined), undefined);
    assert.equal(parseMaintenanceStatus(''), undefined);
    assert.throws(
      () => parseMaintenanceStatus('resolved'),
      (e: unknown) => e instanceof Invalid && e.field === 'status',
    );
    assert.throws(() => parseMaintenanceStatus('verifying', ['scheduled', 'in_progress']), Invalid);
  });
});

describe('maintenance window (§6.1, §9.1)', () => {
  const now = Date.UTC(2026, 2, 5, 10);
  it('needs the end after the start, and (on create) in the future', () => {
    checkWindow(now + 1000, now + 2000, now, true);
    assert.throws(
      () => checkWindow(now + 2000, now + 2000, now, true),
      (e: unknown) => e instanceof Invalid && e.field === 'scheduled_until',
    );
    assert.throws(
      () => checkWindow(now - 2000, now - 1000, now, true),
      (e: unknown) => e instanceof Invalid && e.field === 'scheduled_until',
    );
    // An edit may keep a past window (e.g. an overrunning one).
    checkWindow(now - 2000, now - 1000, now, false);
  });

  it('starts in progress at once when the start has passed and auto-start is on, or when asked', () => {
    assert.equal(initialStatus(undefined, now + 1, true, now), 'scheduled');
    assert.equal(initialStatus(undefined, now, true, now), 'in_progress');
    assert.equal(initialStatus(undefined, now - 1, false, now), 'scheduled');
    assert.equal(initialStatus('in_progress', now + 60_000, false, now), 'in_progress');
    assert.equal(initialStatus('scheduled', now - 1, true, now), 'in_progress');
  });

  it('knows which automatic transition is due', () => {
    const m = { status: 'scheduled' as MaintenanceStatus, scheduledFor: now, scheduledUntil: now + 3_600_000 };
    assert.equal(dueTransition({ ...m, autoStart: true, autoComplete: true }, now - 1), undefined);
    assert.equal(dueTransition({ ...m, autoStart: true, autoComplete: true }, now), 'start');
    assert.equal(dueTransition({ ...m, autoStart: false, autoComplete: true }, now + 10), undefined);
    const active = { ...m, status: 'in_progress' as MaintenanceStatus, autoStart: true };
    assert.equal(dueTransition({ ...active, autoComplete: true }, now + 3_599_999), undefined);
    assert.equal(dueTransition({ ...active, autoComplete: true }, now + 3_600_000), 'complete');
    assert.equal(dueTransition({ ...active, status: 'verifying', autoComplete: true }, now + 3_600_000), 'complete');
    // Without auto-completion the window overruns until a person completes it.
    assert.equal(dueTransition({ ...active, autoComplete: false }, now + 9_000_000), undefined);
    assert.equal(dueTransition({ ...active, status: 'completed', autoComplete: true }, now + 9_000_000), undefined);
  });
});

describe('maintenance overlay (§2, §9.2, decision 15)', () => {
  it('shows under_maintenance over operational and degraded, never over outages', () => {
    assert.equal(overlaidStatus('operational', true), 'under_maintenance');
    assert.equal(overlaidStatus('degraded_performance', true), 'under_maintenance');
    assert.equal(overlaidStatus('partial_outage', true), 'partial_outage');
    assert.equal(overlaidStatus('major_outage', true), 'major_outage');
    assert.equal(overlaidStatus('operational', false), 'operational');
  });
});

describe('automation during a window (§9.2)', () => {
  it('words the note and cuts it to 10,000 characters', () => {
    assert.equal(
      quietNoteMessage('DB upgrade', 'check:api-http', 'Down', 'HTTP 503'),
      'Maintenance "DB upgrade": check:api-http reported Down: HTTP 503',
    );
    assert.equal([...quietNoteMessage('M', 'push', 'Down', 'x'.repeat(20_000))].length, 10_000);
  });
});

describe('relative time for visitors', () => {
  const now = Date.UTC(2026, 2, 5, 10);
  it('says "in 3 days", hours, minutes', () => {
    assert.equal(relativeFuture(now + 3 * 86_400_000, now), 'in 3 days');
    assert.equal(relativeFuture(now + 86_400_000, now), 'in 1 day');
    assert.equal(relativeFuture(now + 5 * 3_600_000, now), 'in 5 hours');
    assert.equal(relativeFuture(now + 20 * 60_000, now), 'in 20 minutes');
    assert.equal(relativeFuture(now + 1000, now), 'now');
  });
});

describe('a start in the past at creation (§6.1, §9.1)', () => {
  const now = Date.UTC(2026, 2, 5, 10);
  it('is refused, naming scheduled_for, unless the maintenance starts at once', () => {
    checkStart(now + 1, now, false);
    checkStart(now, now, false);
    checkStart(now - 3_600_000, now, true);
    assert.throws(
      () => checkStart(now - 1, now, false),
      (e: unknown) => e instanceof Invalid && e.field === 'scheduled_for' && /^scheduled_for /.test(e.message),
    );
  });
});

describe('what automation still reports at the end of a window (§9.2)', () => {
  it('posts the most severe of the sources, ties the newest', () => {
    const down = { severity: 23, reportedAt: 1, who: 'check' };
    const warning = { severity: 12, reportedAt: 2, who: 'push' };
    const up = { severity: 0, reportedAt: 3, who: 'token' };
    assert.equal(reportToPost([down, warning, up])?.who, 'check');
    assert.equal(reportToPost([up, { ...up, reportedAt: 4, who: 'push' }])?.who, 'push');
    assert.equal(reportToPost([]), undefined);
  });
});

describe('wall-clock times in the site zone (the admin form)', () => {
  const at = (d: string, t: string, tz: string) =>
    new Date(zonedInstant(parseCivilDate(d)!, parseClockTime(t)!, tz)).toISOString();
  it('reads a date and time in the zone, across DST changes', () => {
    assert.equal(at('2026-03-05', '11:00', 'Europe/Berlin'), '2026-03-05T10:00:00.000Z');
    assert.equal(at('2026-07-01', '00:00', 'Europe/Berlin'), '2026-06-30T22:00:00.000Z');
    assert.equal(at('2026-03-05', '11:00', 'UTC'), '2026-03-05T11:00:00.000Z');
    // Skipped by the spring jump: read with the offset before it (03:30 CEST).
    assert.equal(at('2026-03-29', '02:30', 'Europe/Berlin'), '2026-03-29T01:30:00.000Z');
    // Repeated in autumn: the first occurrence.
    assert.equal(at('2026-10-25', '02:30', 'Europe/Berlin'), '2026-10-25T00:30:00.000Z');
    assert.deepEqual(wallClockOf(Date.UTC(2026, 2, 5, 10), 'Europe/Berlin'), { date: '2026-03-05', time: '11:00' });
  });
  it('refuses what is not a date or a time', () => {
    assert.equal(parseCivilDate('2026-02-30'), undefined);
    assert.equal(parseCivilDate('05/03/2026'), undefined);
    assert.equal(parseClockTime('24:00'), undefined);
    assert.equal(parseClockTime('9:5'), undefined);
    assert.deepEqual(parseClockTime('09:05'), { hour: 9, minute: 5 });
  });
});

describe('one-step actions of the admin site', () => {
  it('start and cancel need a scheduled maintenance, complete an active one (409 otherwise)', () => {
    assert.equal(checkAction('scheduled', 'start'), 'in_progress');
    assert.equal(checkAction('scheduled', 'cancel'), 'completed');
    assert.equal(checkAction('verifying', 'complete'), 'completed');
    assert.throws(
      () => checkAction('in_progress', 'start'),
      /in progress: only a scheduled maintenance can be started/,
    );
    assert.throws(() => checkAction('scheduled', 'complete'), Conflict);
    assert.throws(() => checkAction('completed', 'cancel'), Conflict);
  });
});
