import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { lastUpdate, overallOf, overallText, shownStatus } from '../src/domain/overall-status.ts';
import type { Level } from '../src/domain/levels.ts';
import type { ComponentStatus } from '../src/domain/component-status.ts';
import type { Service, Status } from '../src/domain/resources.ts';

function status(slug: string, level: Level, componentStatus: ComponentStatus): Status {
  const name = slug[0]!.toUpperCase() + slug.slice(1);
  return {
    id: slug.length,
    slug,
    name,
    description: name,
    level,
    image: 'flag',
    isDefault: false,
    componentStatus,
    componentStatusAt: 0,
  };
}

const up = status('up', 'NORMAL', 'operational');
const warning = status('warning', 'WARNING', 'degraded_performance');
const down = status('down', 'ERROR', 'major_outage');

let nextId = 1;
function service(current: Status | null, timestamp = 0): Service {
  const id = nextId++;
  return {
    id,
    slug: `s${id}`,
    name: `S${id}`,
    description: '',
    list: null,
    position: 0,
    componentId: `c${id}`,
    createdAt: 0,
    updatedAt: 0,
    currentEvent: current && {
      id,
      sid: `e${id}`,
      serviceId: id,
      serviceSlug: `s${id}`,
      message: 'm',
      informational: false,
      timestamp,
      status: current,
      author: 'a',
    },
  };
}

describe('the overall status rule', () => {
  it('no services: NORMAL, and says nothing is monitored', () => {
    const overall = overallOf([]);
    assert.deepEqual(overall, { level: 'NORMAL', worst: null, affected: 0, total: 0 });
    assert.equal(overallText(overall), 'No services are monitored yet');
  });

  it('all operational: the worst is the operational status, none affected', () => {
    const overall = overallOf([service(up), service(up)]);
    assert.equal(overall.level, 'NORMAL');
    assert.equal(overall.affected, 0);
    assert.equal(overallText(overall), 'All systems operational');
  });

  it('the worst level wins and every non-NORMAL service counts as affected', () => {
    const overall = overallOf([service(warning), service(up), service(down), service(warning)]);
    assert.equal(overall.level, 'ERROR');
    assert.equal(overall.worst, down);
    assert.equal(overall.affected, 3);
    assert.equal(overallText(overall), 'Down: 3 of 4 services affected');
  });

  it('one service: singular words', () => {
    assert.equal(overallText(overallOf([service(down)])), 'Down: 1 of 1 service affected');
  });

  it('a service without events shows the default status, and counts with it', () => {
    const fresh = service(null);
    assert.equal(shownStatus(fresh, up), up);
    assert.equal(shownStatus(fresh, null), null);
    assert.equal(overallOf([fresh, service(up)], up).affected, 0);
    // A non-NORMAL default status makes a new service count as affected, as the page shows it.
    assert.equal(overallOf([fresh], warning).level, 'WARNING');
    // Without a default status it is left out of the worst, but still counted in the total.
    assert.deepEqual(overallOf([fresh]), { level: 'NORMAL', worst: null, affected: 0, total: 1 });
  });

  it('last update: the newest current event, or null when no service has one', () => {
    assert.equal(lastUpdate([service(null)]), null);
    assert.equal(lastUpdate([service(up, 5), service(down, 9), service(null), service(up, 7)]), 9);
  });
});
