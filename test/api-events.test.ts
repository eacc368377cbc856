import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BACKENDS, startTestApp, TestClock, type TestApp } from './support/harness.ts';

interface EventJson {
  sid: string;
  message: string;
  timestamp: string;
  informational: boolean;
  status: { id: string };
  url: string;
  author?: string;
}

const ORIGIN = 'http://localhost:80';
const RFC_1123 =
  /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/;

for (const backend of BACKENDS) {
  describe(`events (${backend})`, () => {
    let t: TestApp;
    let clock: TestClock;
    before(async () => {
      clock = new TestClock();
      t = await startTestApp(backend, { clock });
      for (const name of ['Web', 'Mail', 'Dates']) {
        assert.equal((await t.post('/services', { name, description: `the ${name} service` })).statusCode, 201);
      }
    });
    after(async () => t.close());

    const post = async (service: string, form: Record<string, string>): Promise<EventJson> => {
      const res = await t.post(`/services/${service}/events`, form);
      assert.equal(res.statusCode, 201, res.body);
      return res.json();
    };
    const publicGet = (path: string) => t.inject({ method: 'GET', url: `/api/v1${path}` });
    const postJson = (path: string, body: unknown) =>
      t.inject({
        method: 'POST',
        url: `/admin/api/v1${path}`,
        headers: { ...t.admin, 'content-type': 'application/json' },
        payload: JSON.stringify(body),
      });

    it('has no current event before the first post (404), and an empty list', async () => {
      const current = await publicGet('/services/web/events/current');
      assert.equal(current.statusCode, 404);
      assert.equal(current.json().error, true);
      assert.match(current.json().message, /web/);
      assert.deepEqual((await publicGet('/services/web/events')).json(), { events: [] });
      assert.equal((await publicGet('/services/web')).json()['current-event'], null);
    });

    it('posts an event: 201, RFC 1123 timestamp, absolute url, URL-safe sid, author on the admin mount', async () => {
      const res = await t.post('/services/web/events', { message: 'Elevated error rates', status: 'down' });
      assert.equal(res.statusCode, 201);
      const event = res.json();
      assert.match(event.sid, /^[A-Za-z0-9_-]+$/);
      assert.deepEqual(event, {
        sid: event.sid,
        message: 'Elevated error rates',
        timestamp: 'Mon, 28 Jun 2010 22:17:06 GMT',
        informational: false,
        status: (await t.get('/statuses/down')).json(),
        url: `${ORIGIN}/admin/api/v1/services/web/events/${event.sid}`,
        author: 'token:test admin',
        incident: null,
      });
      assert.match(event.timestamp, RFC_1123);
    });

    it('without a status, uses the status of the current event', async () => {
      clock.advance(60_000);
      const event = await post('web', { message: 'Still looking' });
      assert.equal(event.status.id, 'down');
      assert.equal(event.timestamp, 'Mon, 28 Jun 2010 22:18:06 GMT');
    });

    it('without a status and without events, uses the default status', async () => {
      const event = await post('mail', { message: 'First word' });
      assert.equal(event.status.id, 'up');
      await t.post('/statuses/warning', { default: 'true' });
      try {
        // mail now has a current event: its status wins over the new default
        assert.equal((await post('mail', { message: 'Second word' })).status.id, 'up');
      } finally {
        await t.post('/statuses/up', { default: 'true' });
      }
    });

    it('refuses a missing or empty message, an unknown status, a bad informational flag: 400, nothing posted', async () => {
      const before = (await t.get('/services/web/events')).body;
      const cases: Array<[Record<string, string>, RegExp]> = [
        [{}, /message is required/],
        [{ message: '' }, /message is required/],
        [{ message: '   ' }, /message/],
        [{ message: 'x', status: 'exploded' }, /status "exploded" does not exist/],
        [{ message: 'x', informational: 'maybe' }, /informational/],
        [{ message: 'bell \u0007 ring' }, /control character/],
      ];
      for (const [form, message] of cases) {
        const res = await t.post('/services/web/events', form);
        assert.equal(res.statusCode, 400, JSON.stringify(form));
        assert.deepEqual(Object.keys(res.json()), ['error', 'code', 'message']);
        assert.match(res.json().message, message);
      }
      assert.equal((await t.get('/services/web/events')).body, before);
      const unknownService = await t.post('/services/nope/events', { message: 'x' });
      assert.equal(unknownService.statusCode, 404);
      assert.equal(unknownService.json().message, 'Service nope does not exist');
    });

    it('marks informational events (form "true", JSON true) and leaves others false', async () => {
      clock.advance(60_000);
      const note = await post('web', { message: 'We are on it', informational: 'true' });
      assert.equal(note.informational, true);
      assert.equal(note.status.id, 'down');
      const explicitFalse = await post('mail', { message: 'plain', informational: 'false' });
      assert.equal(explicitFalse.informational, false);
      const json = await postJson('/services/mail/events', { message: 'json note', informational: true });
      assert.equal(json.statusCode, 201);
      assert.equal(json.json().informational, true);
      assert.equal((await publicGet(`/services/web/events/${note.sid}`)).json().informational, true);
    });

    it('lists events newest first (ties in creation order), and current is the newest', async () => {
      clock.advance(60_000);
      const a = await post('web', { message: 'same second A', status: 'warning' });
      const b = await post('web', { message: 'same second B', status: 'up' });
      const list = (await publicGet('/services/web/events')).json().events as EventJson[];
      assert.deepEqual(
        list.map((e) => e.message),
        ['same second B', 'same second A', 'We are on it', 'Still looking', 'Elevated error rates'],
      );
      const current = await publicGet('/services/web/events/current');
      assert.equal(current.statusCode, 200);
      assert.equal(current.json().sid, b.sid);
      assert.equal((await publicGet('/services/web')).json()['current-event'].sid, b.sid);
      assert.notEqual(a.sid, b.sid);
    });

    it('gets an event by sid on both mounts; author only on the admin mount', async () => {
      const [newest] = (await t.get('/services/web/events')).json().events as EventJson[];
      const admin = await t.get(`/services/web/events/${newest!.sid}`);
      assert.equal(admin.statusCode, 200);
      assert.equal(admin.json().author, 'token:test admin');
      assert.equal(admin.json().url, `${ORIGIN}/admin/api/v1/services/web/events/${newest!.sid}`);
      const pub = await publicGet(`/services/web/events/${newest!.sid}`);
      assert.equal(pub.statusCode, 200);
      assert.equal(pub.json().url, `${ORIGIN}/api/v1/services/web/events/${newest!.sid}`);
      assert.equal('author' in pub.json(), false);
      const { author: _author, incident: _incident, url: _url, status: _status, ...adminRest } = admin.json();
      assert.equal(_incident, null);
      assert.equal('incident' in pub.json(), false);
      const { url: _purl, status: _pstatus, ...publicRest } = pub.json();
      assert.deepEqual(publicRest, adminRest);
      // nowhere on the public mount: lists, current event, the service's current-event
      const publicBodies = [
        (await publicGet('/services/web/events')).body,
        (await publicGet('/services/web/events/current')).body,
        (await publicGet('/services/web')).body,
        (await publicGet('/services')).body,
      ];
      for (const body of publicBodies) assert.doesNotMatch(body, /author|test admin/);
      assert.match((await t.get('/services')).body, /"author":"token:test admin"/);
    });

    it('answers 404 for an unknown sid or a sid of another service, on GET and DELETE', async () => {
      const mailEvent = (await t.get('/services/mail/events')).json().events[0] as EventJson;
      for (const res of [
        await publicGet(`/services/web/events/${mailEvent.sid}`),
        await t.get(`/services/web/events/${mailEvent.sid}`),
        await t.del(`/services/web/events/${mailEvent.sid}`),
        await publicGet('/services/web/events/01ABCDEFGHJKMNPQRSTVWXYZ00'),
        await publicGet(`/services/nope/events/${mailEvent.sid}`),
      ]) {
        assert.equal(res.statusCode, 404);
        assert.equal(res.json().code, 404);
      }
      assert.equal((await t.get(`/services/mail/events/${mailEvent.sid}`)).statusCode, 200);
    });

    it('deletes an event by sid, answering it; the previous event becomes current', async () => {
      const [newest, previous] = (await t.get('/services/web/events')).json().events as EventJson[];
      const res = await t.del(`/services/web/events/${newest!.sid}`);
      assert.equal(res.statusCode, 200);
      assert.equal(res.json().sid, newest!.sid);
      assert.equal(res.json().message, newest!.message);
      assert.equal((await t.get(`/services/web/events/${newest!.sid}`)).statusCode, 404);
      assert.equal((await t.del(`/services/web/events/${newest!.sid}`)).statusCode, 404);
      assert.equal((await publicGet('/services/web/events/current')).json().sid, previous!.sid);
    });

    it('takes messages up to 10,000 characters (counted as characters), refuses 10,001', async () => {
      const ascii = await postJson('/services/mail/events', { message: 'm'.repeat(10_000) });
      assert.equal(ascii.statusCode, 201);
      assert.equal(ascii.json().message.length, 10_000);
      const emoji = await postJson('/services/mail/events', { message: '🚀'.repeat(10_000) });
      assert.equal(emoji.statusCode, 201);
      assert.equal(emoji.json().message, '🚀'.repeat(10_000));
      const before = (await t.get('/services/mail/events')).body;
      const long = await postJson('/services/mail/events', { message: 'm'.repeat(10_001) });
      assert.equal(long.statusCode, 400);
      assert.match(long.json().message, /message.*10001.*10000/);
      assert.equal((await t.get('/services/mail/events')).body, before);
    });

    it('round-trips unicode messages exactly, in form and JSON bodies', async () => {
      const messages = [
        'Crème brûlée — “quotes” ‘single’ 日本語 🚀👩‍💻 עברית',
        'e\u0301 (combining) vs \u00e9; line one\nline two\ttabbed\r\nend',
        '<script>alert("x")</script> & ampersands',
      ];
      for (const message of messages) {
        const form = await post('mail', { message });
        assert.equal(form.message, message);
        assert.equal((await publicGet(`/services/mail/events/${form.sid}`)).json().message, message);
        const json = await postJson('/services/mail/events', { message });
        assert.equal(json.json().message, message);
        assert.equal((await publicGet(`/services/mail/events/${json.json().sid}`)).json().message, message);
      }
    });

    describe('date filters', () => {
      const at = (iso: string) => Date.parse(iso);
      // name -> instant; sub-second parts check that comparisons are at whole seconds
      const planted: Array<[string, number]> = [
        ['e1', at('2010-06-09T23:59:59.000Z')],
        ['e2', at('2010-06-10T00:00:00.000Z')],
        ['e3', at('2010-06-10T12:30:45.600Z')],
        ['e4', at('2010-06-17T23:59:59.500Z')],
        ['e5', at('2010-06-18T00:00:00.000Z')],
      ];
      const timestamps = new Map<string, string>();
      before(async () => {
        for (const [message, instant] of planted) {
          clock.current = instant;
          timestamps.set(message, (await post('dates', { message })).timestamp);
        }
      });

      const filtered = async (query: Record<string, string>, mount: 'public' | 'admin' = 'public') => {
        const qs = new URLSearchParams(query).toString();
        const res =
          mount === 'public'
            ? await publicGet(`/services/dates/events?${qs}`)
            : await t.get(`/services/dates/events?${qs}`);
        assert.equal(res.statusCode, 200, `${qs}: ${res.body}`);
        return (res.json().events as EventJson[]).map((e) => e.message);
      };

      it('without filters lists all, newest first', async () => {
        assert.deepEqual(await filtered({}), ['e5', 'e4', 'e3', 'e2', 'e1']);
        assert.equal(timestamps.get('e3'), 'Thu, 10 Jun 2010 12:30:45 GMT');
      });

      it('start=2010-06-10 starts at the first moment of the day; end=2010-06-17 runs to its last', async () => {
        assert.deepEqual(await filtered({ start: '2010-06-10' }), ['e5', 'e4', 'e3', 'e2']);
        assert.deepEqual(await filtered({ end: '2010-06-17' }), ['e4', 'e3', 'e2', 'e1']);
        assert.deepEqual(await filtered({ start: '2010-06-10', end: '2010-06-17' }), ['e4', 'e3', 'e2']);
        assert.deepEqual(await filtered({ start: '2010-06-10', end: '2010-06-10' }), ['e3', 'e2']);
        assert.deepEqual(await filtered({ start: '2010-06-17', end: '2010-06-10' }), []);
      });

      it('accepts RFC 1123 dates; end=<an event timestamp> includes that event', async () => {
        assert.deepEqual(await filtered({ end: timestamps.get('e3')! }), ['e3', 'e2', 'e1']);
        assert.deepEqual(await filtered({ start: timestamps.get('e3')! }), ['e5', 'e4', 'e3']);
        assert.deepEqual(await filtered({ start: timestamps.get('e3')!, end: timestamps.get('e3')! }), ['e3']);
        assert.deepEqual(await filtered({ end: timestamps.get('e4')! }, 'admin'), ['e4', 'e3', 'e2', 'e1']);
        assert.deepEqual(await filtered({ start: 'Thu, 10 Jun 2010 12:30:46 GMT' }), ['e5', 'e4']);
      });

      it('accepts RFC 2822 dates with numeric offsets and date-only RFC 2822', async () => {
        assert.deepEqual(await filtered({ start: 'Thu, 10 Jun 2010 12:30:45 +0000' }), ['e5', 'e4', 'e3']);
        assert.deepEqual(await filtered({ start: 'Thu, 10 Jun 2010 14:30:45 +0200' }), ['e5', 'e4', 'e3']);
        assert.deepEqual(await filtered({ end: 'Thu, 10 Jun 2010 08:30:44 -0400' }), ['e2', 'e1']);
        assert.deepEqual(await filtered({ start: '10 Jun 2010', end: '17 Jun 2010' }), ['e4', 'e3', 'e2']);
      });

      it('accepts ISO 8601 with Z, with an offset, and without an offset (meaning UTC, whatever the local zone)', async () => {
        assert.deepEqual(await filtered({ start: '2010-06-10T12:30:45Z' }), ['e5', 'e4', 'e3']);
        assert.deepEqual(await filtered({ start: '2010-06-10T14:30:45+02:00' }), ['e5', 'e4', 'e3']);
        assert.deepEqual(await filtered({ start: '2010-06-10T07:30:46-05:00' }), ['e5', 'e4']);
        assert.deepEqual(await filtered({ end: '2010-06-10T12:30:45.999Z' }), ['e3', 'e2', 'e1']);
        const zone = process.env.TZ;
        process.env.TZ = 'Asia/Tokyo';
        try {
          assert.deepEqual(await filtered({ start: '2010-06-10T12:30:45' }), ['e5', 'e4', 'e3']);
          assert.deepEqual(await filtered({ end: '2010-06-10T00:00:00' }), ['e2', 'e1']);
          assert.deepEqual(await filtered({ end: '2010-06-09T23:59:58' }), []);
        } finally {
          if (zone === undefined) delete process.env.TZ;
          else process.env.TZ = zone;
        }
      });

      it('answers 400 naming the value for an unparseable date', async () => {
        for (const [name, value] of [
          ['start', 'yesterday'],
          ['end', '2010-13-45'],
          ['start', '2010-02-30'],
          ['end', 'Thu, 10 Foo 2010 12:00:00 GMT'],
        ]) {
          const res = await publicGet(`/services/dates/events?${new URLSearchParams({ [name!]: value! })}`);
          assert.equal(res.statusCode, 400, `${name}=${value}`);
          assert.match(res.headers['content-type'] as string, /^application\/json/);
          assert.ok(res.json().message.includes(name!) && res.json().message.includes(value!), res.json().message);
        }
      });
    });
  });
}
