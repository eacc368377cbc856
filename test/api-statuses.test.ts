import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BACKENDS, startTestApp, type TestApp } from './support/harness.ts';

interface StatusJson {
  id: string;
  name: string;
  description: string;
  level: string;
  image: string;
  default: boolean;
  url: string;
}

const ORIGIN = 'http://localhost:80';

for (const backend of BACKENDS) {
  describe(`statuses (${backend})`, () => {
    let t: TestApp;
    before(async () => {
      t = await startTestApp(backend);
    });
    after(async () => t.close());

    const statuses = async (): Promise<StatusJson[]> => (await t.get('/statuses')).json().statuses;
    const defaults = async () => (await statuses()).filter((s) => s.default).map((s) => s.id);
    const postJson = (path: string, body: unknown) =>
      t.inject({
        method: 'POST',
        url: `/admin/api/v1${path}`,
        headers: { ...t.admin, 'content-type': 'application/json' },
        payload: JSON.stringify(body),
      });

    it('a new database holds exactly up (default), down and warning, ordered by name', async () => {
      const res = await t.inject({ method: 'GET', url: '/api/v1/statuses' });
      assert.equal(res.statusCode, 200);
      assert.deepEqual(res.json(), {
        statuses: [
          {
            id: 'down',
            name: 'Down',
            description: 'The service is currently down',
            level: 'ERROR',
            image: `${ORIGIN}/images/icons/fugue/cross-circle.svg`,
            default: false,
            url: `${ORIGIN}/api/v1/statuses/down`,
          },
          {
            id: 'up',
            name: 'Up',
            description: 'The service is up',
            level: 'NORMAL',
            image: `${ORIGIN}/images/icons/fugue/tick-circle.svg`,
            default: true,
            url: `${ORIGIN}/api/v1/statuses/up`,
          },
          {
            id: 'warning',
            name: 'Warning',
            description: 'The service is experiencing intermittent problems',
            level: 'WARNING',
            image: `${ORIGIN}/images/icons/fugue/exclamation.svg`,
            default: false,
            url: `${ORIGIN}/api/v1/statuses/warning`,
          },
        ],
      });
    });

    it('gets one status on either mount, with the url of the serving mount; 404 for an unknown slug', async () => {
      const admin = await t.get('/statuses/down');
      assert.equal(admin.statusCode, 200);
      assert.equal(admin.json().url, `${ORIGIN}/admin/api/v1/statuses/down`);
      const pub = await t.inject({ method: 'GET', url: '/api/v1/statuses/down' });
      assert.equal(pub.json().url, `${ORIGIN}/api/v1/statuses/down`);
      const missing = await t.inject({ method: 'GET', url: '/api/v1/statuses/nope' });
      assert.equal(missing.statusCode, 404);
      assert.deepEqual(missing.json(), { error: true, code: 404, message: 'Status nope does not exist' });
    });

    it('creates a status: 201, level defaults to NORMAL, not the default, image an absolute URL that serves an SVG', async () => {
      const res = await t.post('/statuses', {
        name: 'Maintenance Window',
        description: 'Planned work',
        image: 'wrench',
      });
      assert.equal(res.statusCode, 201);
      const body = res.json();
      assert.deepEqual(body, {
        id: 'maintenance-window',
        name: 'Maintenance Window',
        description: 'Planned work',
        level: 'NORMAL',
        image: `${ORIGIN}/images/icons/fugue/wrench.svg`,
        default: false,
        url: `${ORIGIN}/admin/api/v1/statuses/maintenance-window`,
        component_status: 'operational',
      });
      const image = new URL(body.image);
      const served = await t.inject({ method: 'GET', url: image.pathname });
      assert.equal(served.statusCode, 200);
      assert.match(served.headers['content-type'] as string, /^image\/svg\+xml/);
      assert.match(served.body, /<svg[\s>]/);
      assert.equal((await t.get('/statuses/maintenance-window')).json().name, 'Maintenance Window');
      assert.deepEqual(await defaults(), ['up']);
    });

    it('creates with each level, and refuses an unknown level or image with 400 naming it', async () => {
      for (const level of ['NORMAL', 'WARNING', 'ERROR', 'CRITICAL']) {
        const res = await t.post('/statuses', { name: `Level ${level}`, description: 'x', image: 'flag', level });
        assert.equal(res.statusCode, 201);
        assert.equal(res.json().level, level);
      }
      const before = (await t.get('/statuses')).body;
      const badLevel = await t.post('/statuses', {
        name: 'Bad Level',
        description: 'x',
        image: 'flag',
        level: 'PANIC',
      });
      assert.equal(badLevel.statusCode, 400);
      assert.match(badLevel.json().message, /PANIC/);
      const badImage = await t.post('/statuses', { name: 'Bad Image', description: 'x', image: 'kitten' });
      assert.equal(badImage.statusCode, 400);
      assert.match(badImage.json().message, /kitten/);
      const missing: Array<[Record<string, string>, RegExp]> = [
        [{ description: 'x', image: 'flag' }, /name is required/],
        [{ name: 'No Desc', image: 'flag' }, /description is required/],
        [{ name: 'No Image', description: 'x' }, /image is required/],
        [{ name: 'No Image', description: 'x', image: '' }, /image is required/],
        [{ name: 'Bad Default', description: 'x', image: 'flag', default: 'yes' }, /default/],
        [{ name: 'x'.repeat(101), description: 'x', image: 'flag' }, /name/],
      ];
      for (const [form, message] of missing) {
        const res = await t.post('/statuses', form);
        assert.equal(res.statusCode, 400, JSON.stringify(form));
        assert.equal(res.json().error, true);
        assert.match(res.json().message, message);
      }
      assert.equal((await t.get('/statuses')).body, before);
    });

    it('answers 409 for a name whose slug is taken', async () => {
      const res = await t.post('/statuses', { name: 'DOWN!', description: 'x', image: 'flag' });
      assert.equal(res.statusCode, 409);
      assert.equal(res.json().code, 409);
      assert.match(res.json().message, /down/);
    });

    it('default=true on create or update moves the default; exactly one default at a time', async () => {
      const created = await t.post('/statuses', {
        name: 'Fine',
        description: 'all fine',
        image: 'heart',
        default: 'true',
      });
      assert.equal(created.statusCode, 201);
      assert.equal(created.json().default, true);
      assert.deepEqual(await defaults(), ['fine']);
      const moved = await t.post('/statuses/up', { default: 'true' });
      assert.equal(moved.statusCode, 200);
      assert.equal(moved.json().default, true);
      assert.deepEqual(await defaults(), ['up']);
      assert.equal((await t.get('/statuses/fine')).json().default, false);
    });

    it('default=false on the current default is a 400 and changes nothing; on another status it is a no-op', async () => {
      const res = await t.post('/statuses/up', { default: 'false', name: 'Renamed Up' });
      assert.equal(res.statusCode, 400);
      assert.match(res.json().message, /up/);
      assert.equal((await t.get('/statuses/up')).json().name, 'Up');
      assert.deepEqual(await defaults(), ['up']);
      const other = await t.post('/statuses/down', { default: 'false' });
      assert.equal(other.statusCode, 200);
      assert.equal(other.json().default, false);
      assert.deepEqual(await defaults(), ['up']);
    });

    it('accepts JSON booleans and "true"/"false" strings for default', async () => {
      const jsonTrue = await postJson('/statuses/down', { default: true });
      assert.equal(jsonTrue.statusCode, 200);
      assert.deepEqual(await defaults(), ['down']);
      const jsonStringTrue = await postJson('/statuses/up', { default: 'true' });
      assert.equal(jsonStringTrue.statusCode, 200);
      assert.deepEqual(await defaults(), ['up']);
      const jsonFalse = await postJson('/statuses/up', { default: false });
      assert.equal(jsonFalse.statusCode, 400);
      const jsonStringFalse = await postJson('/statuses/up', { default: 'false' });
      assert.equal(jsonStringFalse.statusCode, 400);
      assert.deepEqual(await defaults(), ['up']);
      const created = await postJson('/statuses', {
        name: 'Json Default',
        description: 'x',
        image: 'plug',
        default: true,
      });
      assert.equal(created.statusCode, 201);
      assert.equal(created.json().default, true);
      assert.deepEqual(await defaults(), ['json-default']);
      const back = await postJson('/statuses/up', { default: true });
      assert.equal(back.statusCode, 200);
      const notBoolean = await postJson('/statuses/down', { default: 1 });
      assert.equal(notBoolean.statusCode, 400);
      assert.deepEqual(await defaults(), ['up']);
    });

    it('updates name, description, image and level; the slug never changes', async () => {
      const res = await t.post('/statuses/warning', {
        name: 'Degraded',
        description: 'Slow',
        image: 'traffic-cone',
        level: 'CRITICAL',
      });
      assert.equal(res.statusCode, 200);
      assert.deepEqual(res.json(), {
        id: 'warning',
        name: 'Degraded',
        description: 'Slow',
        level: 'CRITICAL',
        image: `${ORIGIN}/images/icons/fugue/traffic-cone.svg`,
        default: false,
        url: `${ORIGIN}/admin/api/v1/statuses/warning`,
        // The level changed without a component status: the new level's default (contract §7.3).
        component_status: 'major_outage',
      });
      assert.equal((await t.post('/statuses/warning', { level: 'nope' })).statusCode, 400);
      assert.equal((await t.post('/statuses/warning', { image: 'nope' })).statusCode, 400);
      assert.equal((await t.post('/statuses/nope', { name: 'x' })).statusCode, 404);
      assert.equal((await t.get('/statuses/warning')).json().level, 'CRITICAL');
    });

    it('refuses to delete a status used by events (409) unless force=true, which deletes those events', async () => {
      assert.equal((await t.post('/services', { name: 'Web', description: 'web' })).statusCode, 201);
      const down = (await t.post('/services/web/events', { message: 'broken', status: 'down' })).json();
      const up = (await t.post('/services/web/events', { message: 'fixed', status: 'up' })).json();
      const refused = await t.del('/statuses/down');
      assert.equal(refused.statusCode, 409);
      assert.match(refused.json().message, /down/);
      assert.equal((await t.get('/statuses/down')).statusCode, 200);
      assert.equal((await t.get(`/services/web/events/${down.sid}`)).statusCode, 200);
      const forced = await t.del('/statuses/down?force=true');
      assert.equal(forced.statusCode, 200);
      assert.equal(forced.json().id, 'down');
      assert.equal((await t.get('/statuses/down')).statusCode, 404);
      assert.equal((await t.get(`/services/web/events/${down.sid}`)).statusCode, 404);
      const remaining = (await t.get('/services/web/events')).json().events.map((e: { sid: string }) => e.sid);
      assert.deepEqual(remaining, [up.sid]);
      assert.equal((await t.del('/statuses/warning?force=maybe')).statusCode, 400);
    });

    it('deletes an unused status, answering the deleted status; then 404', async () => {
      const res = await t.del('/statuses/level-critical');
      assert.equal(res.statusCode, 200);
      assert.equal(res.json().id, 'level-critical');
      assert.equal(res.json().level, 'CRITICAL');
      assert.equal((await t.get('/statuses/level-critical')).statusCode, 404);
      assert.equal((await t.del('/statuses/level-critical')).statusCode, 404);
    });

    it('refuses to delete the default while other statuses exist (409), even with force', async () => {
      const res = await t.del('/statuses/up');
      assert.equal(res.statusCode, 409);
      assert.match(res.json().message, /default/);
      assert.equal((await t.del('/statuses/up?force=true')).statusCode, 409);
      assert.deepEqual(await defaults(), ['up']);
    });

    it('the public mount refuses writes to statuses with 405', async () => {
      for (const method of ['POST', 'DELETE'] as const) {
        const res = await t.inject({ method, url: '/api/v1/statuses/up' });
        assert.equal(res.statusCode, 405);
        assert.equal(res.json().code, 405);
      }
    });
  });

  describe(`the default status from scratch (${backend})`, () => {
    let t: TestApp;
    before(async () => {
      t = await startTestApp(backend);
    });
    after(async () => t.close());

    it('the last status can be deleted; then the first status created becomes the default', async () => {
      // The default may go once it is the only status left.
      for (const slug of ['down', 'warning']) assert.equal((await t.del(`/statuses/${slug}`)).statusCode, 200);
      const last = await t.del('/statuses/up');
      assert.equal(last.statusCode, 200);
      assert.equal(last.json().default, true);
      assert.deepEqual((await t.get('/statuses')).json(), { statuses: [] });
      const first = await t.post('/statuses', {
        name: 'Operational',
        description: 'ok',
        image: 'tick-circle',
        default: 'false',
      });
      assert.equal(first.statusCode, 201);
      assert.equal(first.json().default, true);
      const second = await t.post('/statuses', { name: 'Broken', description: 'no', image: 'bug', level: 'ERROR' });
      assert.equal(second.json().default, false);
      const all = (await t.get('/statuses')).json().statuses as StatusJson[];
      assert.deepEqual(
        all.map((s) => [s.id, s.default]),
        [
          ['broken', false],
          ['operational', true],
        ],
      );
    });

    it('posting an event without a status uses the default status', async () => {
      await t.post('/services', { name: 'Db', description: 'db' });
      const res = await t.post('/services/db/events', { message: 'hello' });
      assert.equal(res.statusCode, 201);
      assert.equal(res.json().status.id, 'operational');
    });
  });
}
