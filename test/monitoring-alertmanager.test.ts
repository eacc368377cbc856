import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BACKENDS, startTestApp, TestClock, type TestApp } from './support/harness.ts';
import { createToken } from '../src/services/tokens.ts';

interface EventJson {
  message: string;
  status: { id: string };
  informational: boolean;
  author?: string;
}

/** An alert as Alertmanager's webhook (version 4) sends it. */
function alert(
  fingerprint: string,
  labels: Record<string, string>,
  options: {
    status?: 'firing' | 'resolved';
    startsAt?: string;
    endsAt?: string;
    summary?: string;
    description?: string;
  } = {},
) {
  const status = options.status ?? 'firing';
  return {
    status,
    labels: { alertname: labels.alertname ?? 'HighErrorRate', ...labels },
    annotations: {
      ...(options.summary ? { summary: options.summary } : {}),
      ...(options.description ? { description: options.description } : {}),
    },
    startsAt: options.startsAt ?? '2010-06-28T22:10:00.000Z',
    endsAt: status === 'resolved' ? (options.endsAt ?? '2010-06-28T22:30:00.000Z') : '0001-01-01T00:00:00Z',
    generatorURL: 'http://prometheus.example:9090/graph?g0.expr=up+%3D%3D+0',
    fingerprint,
  };
}

function payload(groupKey: string, alerts: ReturnType<typeof alert>[]) {
  const firing = alerts.some((a) => a.status === 'firing');
  const common: Record<string, string> = alerts.length > 0 ? alerts[0]!.labels : {};
  return {
    receiver: 'stashboard',
    status: firing ? 'firing' : 'resolved',
    alerts,
    groupLabels: { alertname: common.alertname },
    commonLabels: common,
    commonAnnotations: {},
    externalURL: 'http://alertmanager.example:9093',
    version: '4',
    groupKey,
    truncatedAlerts: 0,
  };
}

for (const backend of BACKENDS) {
  describe(`Alertmanager receiver (${backend})`, () => {
    let t: TestApp;
    let token: Record<string, string>;
    before(async () => {
      t = await startTestApp(backend, { clock: new TestClock() });
      for (const name of ['API', 'Mail', 'Search'])
        assert.equal((await t.post('/services', { name, description: name })).statusCode, 201);
      const { secret } = await createToken(
        t.ctx,
        { kind: 'cli', name: 'test', scope: 'admin' },
        { name: 'alertmanager', scope: 'events' },
      );
      token = { authorization: `Bearer ${secret}` };
    });
    after(async () => t.close());

    const deliver = (body: unknown, headers = token) =>
      t.inject({
        method: 'POST',
        url: '/admin/api/v1/hooks/alertmanager',
        headers: { ...headers, 'content-type': 'application/json' },
        payload: JSON.stringify(body),
      });
    const history = async (slug: string): Promise<EventJson[]> =>
      (await t.get(`/services/${slug}/events`)).json().events;

    it('needs a credential; an events-scope token may deliver', async () => {
      const anonymous = await t.inject({
        method: 'POST',
        url: '/admin/api/v1/hooks/alertmanager',
        headers: { 'content-type': 'application/json' },
        payload: '{}',
      });
      assert.equal(anonymous.statusCode, 401);
      assert.equal((await deliver({ version: '3' })).statusCode, 400);
    });

    it('firing: the severity maps to a status; the summary becomes the message; author alertmanager:<groupKey>', async () => {
      const groupKey = '{}/{service="api"}:{alertname="HighErrorRate"}';
      const res = await deliver(
        payload(groupKey, [
          alert('a1', { service: 'api', severity: 'critical' }, { summary: '5xx above 5% for 10 minutes' }),
        ]),
      );
      assert.equal(res.statusCode, 200, res.body);
      assert.deepEqual(res.json().services, [{ service: 'api', state: 'down', outcome: 'posted' }]);
      const [event] = await history('api');
      assert.equal(event!.status.id, 'down');
      assert.equal(event!.message, '5xx above 5% for 10 minutes');
      assert.equal(event!.author, `alertmanager:${groupKey}`);
    });

    it('repeated and redelivered payloads do not duplicate events', async () => {
      const body = payload('{}/{service="api"}:{alertname="HighErrorRate"}', [
        alert('a1', { service: 'api', severity: 'critical' }, { summary: '5xx above 5% for 10 minutes' }),
      ]);
      for (let i = 0; i < 3; i++) assert.equal((await deliver(body)).json().services[0].outcome, 'unchanged');
      assert.equal((await history('api')).length, 1);
    });

    it('grouped: several alerts for several services in one payload; the worst firing severity wins', async () => {
      const res = await deliver(
        payload('{}:{alertname="Disk"}', [
          alert(
            'm1',
            { service: 'mail', severity: 'warning', alertname: 'DiskFilling' },
            { description: 'Disk 85% full' },
          ),
          alert(
            's1',
            { service: 'search', severity: 'warning', alertname: 'SlowQueries' },
            { summary: 'p99 latency 2s' },
          ),
          alert(
            's2',
            { service: 'search', severity: 'critical', alertname: 'IndexDown' },
            { summary: 'Index unavailable' },
          ),
          alert('x1', { service: 'ghost', severity: 'critical' }),
          alert('x2', { severity: 'critical' }),
        ]),
      );
      assert.equal(res.statusCode, 200, res.body);
      assert.deepEqual(res.json().ignored, [
        { fingerprint: 'x1', reason: 'no service ghost' },
        { fingerprint: 'x2', reason: 'no service label' },
      ]);
      const mail = (await history('mail'))[0]!;
      assert.equal(mail.status.id, 'warning');
      assert.equal(mail.message, 'Disk 85% full');
      const search = (await history('search'))[0]!;
      assert.equal(search.status.id, 'down');
      assert.equal(search.message, 'Index unavailable');
    });

    it('resolved: restores only when no other alert for the service fires', async () => {
      const critical = alert(
        's2',
        { service: 'search', severity: 'critical', alertname: 'IndexDown' },
        { status: 'resolved', summary: 'Index unavailable' },
      );
      const res = await deliver(payload('{}:{alertname="IndexDown"}', [critical]));
      assert.deepEqual(res.json().services, [{ service: 'search', state: 'warning', outcome: 'posted' }]);
      assert.equal((await history('search'))[0]!.status.id, 'warning', 'the warning still fires');
      const warning = alert(
        's1',
        { service: 'search', severity: 'warning', alertname: 'SlowQueries' },
        { status: 'resolved', summary: 'p99 latency 2s' },
      );
      assert.deepEqual((await deliver(payload('{}:{alertname="SlowQueries"}', [warning]))).json().services, [
        { service: 'search', state: 'up', outcome: 'posted' },
      ]);
      const restored = (await history('search'))[0]!;
      assert.equal(restored.status.id, 'up');
      assert.equal(restored.message, 'Resolved: p99 latency 2s');
      assert.equal(
        (await deliver(payload('{}:{alertname="SlowQueries"}', [warning]))).json().services[0].outcome,
        'unchanged',
        'a redelivered resolve posts nothing',
      );
      assert.equal((await history('search')).length, 3);
    });

    it('a late redelivery of an old firing does not reopen a resolved alert; a new firing (new startsAt) does', async () => {
      const old = alert(
        's1',
        { service: 'search', severity: 'warning', alertname: 'SlowQueries' },
        { summary: 'p99 latency 2s' },
      );
      assert.equal(
        (await deliver(payload('{}:{alertname="SlowQueries"}', [old]))).json().services[0].outcome,
        'unchanged',
      );
      assert.equal((await history('search'))[0]!.status.id, 'up');
      const refire = alert(
        's1',
        { service: 'search', severity: 'warning', alertname: 'SlowQueries' },
        { summary: 'p99 latency 3s', startsAt: '2010-06-28T23:00:00.000Z' },
      );
      assert.equal(
        (await deliver(payload('{}:{alertname="SlowQueries"}', [refire]))).json().services[0].outcome,
        'posted',
      );
      assert.equal((await history('search'))[0]!.status.id, 'warning');
    });

    it('with "recovery needs a human", a resolve becomes a note', async () => {
      assert.equal((await t.post('/services/api/automation', { recovery_needs_human: 'true' })).statusCode, 200);
      const resolved = alert(
        'a1',
        { service: 'api', severity: 'critical' },
        { status: 'resolved', summary: '5xx above 5% for 10 minutes' },
      );
      const res = await deliver(payload('{}/{service="api"}:{alertname="HighErrorRate"}', [resolved]));
      assert.deepEqual(res.json().services, [{ service: 'api', state: 'up', outcome: 'noted' }]);
      const [note] = await history('api');
      assert.equal(note!.informational, true);
      assert.equal(note!.status.id, 'down');
      assert.match(note!.message, /^Alerts resolved; waiting for confirmation/);
    });
  });
}

describe('Alertmanager receiver: configured label and severities', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp('sqlite', {
      env: { ALERTMANAGER_SERVICE_LABEL: 'component', ALERTMANAGER_SEVERITIES: 'page=down,ticket=warning,info=up' },
    });
    assert.equal((await t.post('/services', { name: 'Queue', description: 'q' })).statusCode, 201);
  });
  after(async () => t.close());

  it('reads the service from the configured label and maps the configured severities', async () => {
    const body = payload('{}:{alertname="Backlog"}', [
      alert('q1', { component: 'queue', severity: 'ticket', alertname: 'Backlog' }, { summary: 'Backlog growing' }),
    ]);
    const res = await t.inject({
      method: 'POST',
      url: '/admin/api/v1/hooks/alertmanager',
      headers: { ...t.admin, 'content-type': 'application/json' },
      payload: JSON.stringify(body),
    });
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(res.json().services, [{ service: 'queue', state: 'warning', outcome: 'posted' }]);
  });
});
