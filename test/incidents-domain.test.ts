import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  checkBackfillWindow,
  checkIncidentBody,
  checkIncidentName,
  checkTransition,
  componentStatusOf,
  computeImpact,
  parseImpactOverride,
  parseIncidentStatus,
  statusAfterUpdate,
  statusForComponentStatus,
} from '../src/domain/incidents.ts';
import { Conflict, Invalid } from '../src/domain/errors.ts';
import { pageStatus } from '../src/domain/statuspage-v2.ts';

describe('incident lifecycle (§5.1)', () => {
  it('moves freely among the unresolved statuses, back included', () => {
    for (const from of ['investigating', 'identified', 'monitoring'] as const)
      for (const to of ['investigating', 'identified', 'monitoring', 'resolved'] as const)
        assert.doesNotThrow(() => checkTransition(from, to));
  });
  it('a resolved or postmortem incident takes only resolved updates (409 otherwise)', () => {
    for (const from of ['resolved', 'postmortem'] as const) {
      assert.doesNotThrow(() => checkTransition(from, 'resolved'));
      for (const to of ['investigating', 'identified', 'monitoring'] as const)
        assert.throws(() => checkTransition(from, to), Conflict);
    }
    assert.equal(statusAfterUpdate('postmortem', 'resolved'), 'postmortem');
    assert.equal(statusAfterUpdate('monitoring', 'resolved'), 'resolved');
  });
  it('parses statuses and refuses others naming the field', () => {
    assert.equal(parseIncidentStatus(undefined), undefined);
    assert.equal(parseIncidentStatus('identified'), 'identified');
    assert.throws(
      () => parseIncidentStatus('postmortem'),
      (e: Invalid) => e.field === 'status',
    );
    assert.throws(() => parseIncidentStatus('Resolved'), Invalid);
  });
});

describe('incident fields (§6.1)', () => {
  it('name: 1–255 characters, no control characters', () => {
    assert.equal(checkIncidentName('x'.repeat(255)), 'x'.repeat(255));
    assert.throws(() => checkIncidentName('x'.repeat(256)), /255/);
    assert.throws(
      () => checkIncidentName(''),
      (e: Invalid) => e.field === 'name',
    );
    assert.throws(() => checkIncidentName('a\nb'), /control/);
    assert.throws(() => checkIncidentName(3), Invalid);
  });
  it('body: 1–10,000 characters with tabs and newlines', () => {
    assert.equal(checkIncidentBody('a\tb\nc'), 'a\tb\nc');
    assert.throws(() => checkIncidentBody('x'.repeat(10_001)), /10000/);
    assert.throws(() => checkIncidentBody('a\u0007'), /control/);
    assert.equal(checkIncidentBody('x'.repeat(50_000), 'body', 50_000).length, 50_000);
  });
  it('impact_override: the four values, empty or null clears', () => {
    assert.equal(parseImpactOverride(undefined), undefined);
    assert.equal(parseImpactOverride(''), null);
    assert.equal(parseImpactOverride(null), null);
    assert.equal(parseImpactOverride('major'), 'major');
    assert.throws(
      () => parseImpactOverride('huge'),
      (e: Invalid) => e.field === 'impact_override',
    );
  });
  it('backfill window: started < resolved ≤ now, both required', () => {
    assert.doesNotThrow(() => checkBackfillWindow(1, 2, 2));
    assert.throws(
      () => checkBackfillWindow(undefined, 2, 3),
      (e: Invalid) => e.field === 'started_at',
    );
    assert.throws(
      () => checkBackfillWindow(1, undefined, 3),
      (e: Invalid) => e.field === 'resolved_at',
    );
    assert.throws(() => checkBackfillWindow(2, 2, 3), /after/);
    assert.throws(() => checkBackfillWindow(1, 4, 3), /future/);
  });
});

describe('impact (§5.3)', () => {
  const ev = (serviceId: number, timestamp: number, componentStatus: any, order = timestamp) => ({
    serviceId,
    timestamp,
    order,
    componentStatus,
  });
  it('is the worst status in force during the window and never drops on recovery', () => {
    const events = [
      ev(1, 0, 'operational'),
      ev(1, 10, 'major_outage'),
      ev(1, 20, 'operational'),
      ev(2, 5, 'degraded_performance'),
    ];
    assert.equal(computeImpact(events, 5, 30), 'critical');
    assert.equal(computeImpact(events, 20, 30), 'minor');
  });
  it('counts the status in force at the start, not events after the end', () => {
    assert.equal(computeImpact([ev(1, 0, 'partial_outage'), ev(1, 50, 'major_outage')], 10, 50), 'major');
  });
  it('no services or no events: none', () => {
    assert.equal(computeImpact([], 0, 10), 'none');
  });
  it('ties at one instant: the later one is in force', () => {
    assert.equal(computeImpact([ev(1, 5, 'major_outage', 1), ev(1, 5, 'operational', 2)], 5, 10), 'none');
  });
});

describe('component statuses and aliases', () => {
  it('defaults from the level, seeded down is a major outage', () => {
    assert.equal(componentStatusOf({ slug: 'up', level: 'NORMAL' }), 'operational');
    assert.equal(componentStatusOf({ slug: 'warning', level: 'WARNING' }), 'degraded_performance');
    assert.equal(componentStatusOf({ slug: 'down', level: 'ERROR' }), 'major_outage');
    assert.equal(componentStatusOf({ slug: 'partial', level: 'ERROR' }), 'partial_outage');
    assert.equal(componentStatusOf({ slug: 'x', level: 'ERROR', componentStatus: 'major_outage' }), 'major_outage');
  });
  it('maps v2 names to the first status by name, operational to the default', () => {
    const statuses = [
      { slug: 'up', name: 'Up', isDefault: true, componentStatus: 'operational' as const },
      { slug: 'fine', name: 'Fine', isDefault: false, componentStatus: 'operational' as const },
      { slug: 'down', name: 'Down', isDefault: false, componentStatus: 'major_outage' as const },
      { slug: 'broken', name: 'Zeta broken', isDefault: false, componentStatus: 'major_outage' as const },
    ];
    assert.equal(statusForComponentStatus(statuses, 'operational')?.slug, 'up');
    assert.equal(statusForComponentStatus(statuses, 'major_outage')?.slug, 'down');
    assert.equal(statusForComponentStatus(statuses, 'partial_outage'), undefined);
  });
});

describe('page status (§4.2)', () => {
  it('follows the rule table', () => {
    assert.equal(pageStatus([], []).indicator, 'none');
    assert.equal(pageStatus([], ['major']).description, 'Partial System Outage');
    assert.equal(pageStatus(['major_outage', 'major_outage'], []).indicator, 'critical');
    assert.equal(pageStatus(['major_outage', 'operational'], []).indicator, 'major');
    assert.equal(pageStatus(['partial_outage', 'operational'], []).description, 'Minor Service Outage');
    assert.equal(
      pageStatus(['degraded_performance', 'degraded_performance'], []).description,
      'Degraded System Service',
    );
    assert.equal(pageStatus(['degraded_performance'], []).description, 'Partially Degraded Service');
    assert.equal(pageStatus(['operational'], ['critical']).indicator, 'none');
    assert.equal(pageStatus(['under_maintenance', 'operational'], []).indicator, 'maintenance');
    assert.equal(pageStatus(['under_maintenance', 'partial_outage'], []).indicator, 'minor');
  });
});
