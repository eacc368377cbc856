import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestApp, type TestApp } from './support/harness.ts';
import { Forbidden } from '../src/domain/errors.ts';
import {
  isAutomatedScope,
  permits,
  scopeOfAutomationAuthor,
  SCOPES,
  type Actor,
  type Scope,
} from '../src/domain/permissions.ts';
import { DEFAULT_ALERTMANAGER_RULES } from '../src/domain/alertmanager.ts';
import { readDataVersion } from '../src/db/repositories/data-version.ts';
import { automationActor } from '../src/services/automation-events.ts';
import * as services from '../src/services/services.ts';
import * as lists from '../src/services/service-lists.ts';
import * as statuses from '../src/services/statuses.ts';
import * as events from '../src/services/events.ts';
import * as automation from '../src/services/automation-settings.ts';
import * as push from '../src/services/push.ts';
import * as checks from '../src/services/checks.ts';
import * as channels from '../src/services/channels.ts';
import * as subscriptions from '../src/services/subscriptions.ts';
import * as tokens from '../src/services/tokens.ts';
import * as users from '../src/services/users.ts';
import * as oauth from '../src/services/oauth.ts';
import * as siteSettings from '../src/services/site-settings.ts';
import * as smtp from '../src/services/smtp-settings.ts';
import * as sessions from '../src/services/sessions.ts';
import { browseAudit } from '../src/services/audit.ts';
import { listRecoveryHolds } from '../src/services/recovery-holds.ts';
import { receiveAlertmanager } from '../src/services/alertmanager.ts';
import { importData } from '../src/services/transfer.ts';
import * as incidents from '../src/services/incidents.ts';
import * as maintenances from '../src/services/maintenances.ts';

/** One actor of every kind the permission table knows. */
const ACTORS: Record<Scope, Actor> = {
  admin: { kind: 'user', name: 'admin@example.com', scope: 'admin' },
  editor: { kind: 'user', name: 'editor@example.com', scope: 'editor' },
  events: { kind: 'token', name: 'monitor', scope: 'events' },
  check: automationActor('check', 'api-http'),
  push: automationActor('push'),
  heartbeat: automationActor('heartbeat'),
  alertmanager: automationActor('alertmanager', '{}:{}'),
  reader: { kind: 'system', name: 'anonymous', scope: 'reader' },
  subscriber: { kind: 'system', name: 'visitor', scope: 'subscriber' },
  login: { kind: 'system', name: 'anonymous', scope: 'login' },
};

const ADMIN: Scope[] = ['admin'];
const PEOPLE: Scope[] = ['admin', 'editor'];

interface UseCase {
  name: string;
  /** Written out here, not read from the table: the test states the policy on its own. */
  allowed: Scope[];
  run(t: TestApp, actor: Actor): Promise<unknown>;
}

const sessionOf = (actor: Actor): sessions.Session => ({
  id: 'no-such-session',
  userId: 0,
  email: actor.name,
  role: actor.scope === 'admin' ? 'admin' : 'editor',
  csrfToken: 'csrf',
  actor,
});

/** Every use case that writes, and every read that is not public, with arguments good enough to pass the check. */
const USE_CASES: UseCase[] = [
  { name: 'createService', allowed: ADMIN, run: (t, a) => services.createService(t.ctx, a, { name: `S ${a.scope}` }) },
  {
    name: 'updateService',
    allowed: ADMIN,
    run: (t, a) => services.updateService(t.ctx, a, 'api', { description: 'x' }),
  },
  { name: 'deleteService', allowed: ADMIN, run: (t, a) => services.deleteService(t.ctx, a, 'no-such-service') },
  {
    name: 'createServiceList',
    allowed: ADMIN,
    run: (t, a) => lists.createServiceList(t.ctx, a, { name: `L ${a.scope}` }),
  },
  {
    name: 'updateServiceList',
    allowed: ADMIN,
    run: (t, a) => lists.updateServiceList(t.ctx, a, 'core', { description: 'x' }),
  },
  { name: 'deleteServiceList', allowed: ADMIN, run: (t, a) => lists.deleteServiceList(t.ctx, a, 'no-such-list') },
  { name: 'moveServiceList', allowed: ADMIN, run: (t, a) => lists.moveServiceList(t.ctx, a, 'core', 'down') },
  { name: 'orderServiceLists', allowed: ADMIN, run: (t, a) => lists.orderServiceLists(t.ctx, a, ['no-such-list']) },
  { name: 'moveService', allowed: ADMIN, run: (t, a) => services.moveService(t.ctx, a, 'api', 'down') },
  { name: 'orderServices', allowed: ADMIN, run: (t, a) => services.orderServices(t.ctx, a, 'no-such-list', []) },
  {
    name: 'createStatus',
    allowed: ADMIN,
    run: (t, a) =>
      statuses.createStatus(t.ctx, a, {
        name: `St ${a.scope}`,
        description: 'x',
        image: 'cross-circle',
        level: 'ERROR',
      }),
  },
  {
    name: 'updateStatus',
    allowed: ADMIN,
    run: (t, a) => statuses.updateStatus(t.ctx, a, 'up', { description: 'Works' }),
  },
  { name: 'deleteStatus', allowed: ADMIN, run: (t, a) => statuses.deleteStatus(t.ctx, a, 'no-such-status') },
  {
    name: 'postEvent',
    allowed: ['admin', 'editor', 'events', 'check', 'push', 'heartbeat', 'alertmanager'],
    run: (t, a) => events.postEvent(t.ctx, a, 'api', { message: `by ${a.scope}`, informational: 'true' }),
  },
  { name: 'deleteEvent', allowed: PEOPLE, run: (t, a) => events.deleteEvent(t.ctx, a, 'api', 'no-such-event') },
  {
    name: 'createIncident',
    allowed: PEOPLE,
    run: (t, a) => incidents.createIncident(t.ctx, a, { name: `Incident by ${a.scope}`, body: 'Looking into it.' }),
  },
  {
    name: 'postUpdate',
    allowed: PEOPLE,
    run: (t, a) => incidents.postUpdate(t.ctx, a, 'no-such-incident', { body: 'Still looking.' }),
  },
  {
    name: 'editIncident',
    allowed: PEOPLE,
    run: (t, a) => incidents.editIncident(t.ctx, a, 'no-such-incident', { name: 'Renamed' }),
  },
  {
    name: 'editUpdate',
    allowed: PEOPLE,
    run: (t, a) => incidents.editUpdate(t.ctx, a, 'no-such-incident', 'no-such-update', { body: 'Edited.' }),
  },
  {
    name: 'publishPostmortem',
    allowed: PEOPLE,
    run: (t, a) => incidents.publishPostmortem(t.ctx, a, 'no-such-incident', { body: 'What happened.' }),
  },
  { name: 'deleteIncident', allowed: PEOPLE, run: (t, a) => incidents.deleteIncident(t.ctx, a, 'no-such-incident') },
  {
    name: 'saveTemplate',
    allowed: PEOPLE,
    run: (t, a) => incidents.saveTemplate(t.ctx, a, { name: `Template by ${a.scope}`, body: 'We are looking.' }),
  },
  { name: 'deleteTemplate', allowed: PEOPLE, run: (t, a) => incidents.deleteTemplate(t.ctx, a, 999) },
  {
    name: 'createMaintenance',
    allowed: PEOPLE,
    run: (t, a) =>
      maintenances.createMaintenance(t.ctx, a, {
        name: `Maintenance by ${a.scope}`,
        body: 'Upgrading the database.',
        scheduledFor: new Date(t.ctx.clock.now() + 86_400_000).toISOString(),
        scheduledUntil: new Date(t.ctx.clock.now() + 90_000_000).toISOString(),
      }),
  },
  {
    name: 'postMaintenanceUpdate',
    allowed: PEOPLE,
    run: (t, a) => maintenances.postMaintenanceUpdate(t.ctx, a, 'no-such-maintenance', { body: 'Started.' }),
  },
  {
    name: 'editMaintenance',
    allowed: PEOPLE,
    run: (t, a) => maintenances.editMaintenance(t.ctx, a, 'no-such-maintenance', { name: 'Renamed' }),
  },
  {
    name: 'editMaintenanceUpdate',
    allowed: PEOPLE,
    run: (t, a) =>
      maintenances.editMaintenanceUpdate(t.ctx, a, 'no-such-maintenance', 'no-such-update', { body: 'Edited.' }),
  },
  {
    name: 'deleteMaintenance',
    allowed: PEOPLE,
    run: (t, a) => maintenances.deleteMaintenance(t.ctx, a, 'no-such-maintenance'),
  },
  {
    name: 'confirmRecovery',
    allowed: PEOPLE,
    run: (t, a) => automation.confirmRecovery(t.ctx, a, 'no-such-service', {}),
  },
  { name: 'listRecoveryHolds', allowed: PEOPLE, run: (t, a) => listRecoveryHolds(t.ctx, a) },
  {
    name: 'receiveAlertmanager',
    allowed: ['admin', 'events'],
    run: (t, a) =>
      receiveAlertmanager(t.ctx, a, DEFAULT_ALERTMANAGER_RULES, { version: '4', groupKey: 'g', alerts: [] }),
  },
  { name: 'getAutomation', allowed: ADMIN, run: (t, a) => automation.getAutomation(t.ctx, a, 'api') },
  {
    name: 'updateAutomationSettings',
    allowed: ADMIN,
    run: (t, a) => automation.updateAutomationSettings(t.ctx, a, 'api', {}),
  },
  { name: 'getPush', allowed: ADMIN, run: (t, a) => push.getPush(t.ctx, a, 'api') },
  {
    name: 'regeneratePushSecret',
    allowed: ADMIN,
    run: (t, a) => push.regeneratePushSecret(t.ctx, a, 'no-such-service'),
  },
  { name: 'removePushSecret', allowed: ADMIN, run: (t, a) => push.removePushSecret(t.ctx, a, 'no-such-service') },
  { name: 'listChecks', allowed: ADMIN, run: (t, a) => checks.listChecks(t.ctx, a, 'api') },
  { name: 'getCheck', allowed: ADMIN, run: (t, a) => checks.getCheck(t.ctx, a, 'api', 'no-such-check') },
  {
    name: 'saveCheck',
    allowed: ADMIN,
    run: (t, a) =>
      checks.saveCheck(t.ctx, a, 'no-such-service', { name: 'web', target: 'https://example.com/' }, 'create'),
  },
  { name: 'deleteCheck', allowed: ADMIN, run: (t, a) => checks.deleteCheck(t.ctx, a, 'api', 'no-such-check') },
  { name: 'listChannels', allowed: ADMIN, run: (t, a) => channels.listChannels(t.ctx, a) },
  { name: 'pausedChannels', allowed: ADMIN, run: (t, a) => channels.pausedChannels(t.ctx, a) },
  { name: 'getChannel', allowed: ADMIN, run: (t, a) => channels.getChannel(t.ctx, a, 999) },
  { name: 'channelHistory', allowed: ADMIN, run: (t, a) => channels.channelHistory(t.ctx, a, 999) },
  { name: 'createChannel', allowed: ADMIN, run: (t, a) => channels.createChannel(t.ctx, a, { kind: 'webhook' }) },
  { name: 'updateChannel', allowed: ADMIN, run: (t, a) => channels.updateChannel(t.ctx, a, 999, {}) },
  { name: 'deleteChannel', allowed: ADMIN, run: (t, a) => channels.deleteChannel(t.ctx, a, 999) },
  { name: 'resumeChannel', allowed: ADMIN, run: (t, a) => channels.resumeChannel(t.ctx, a, 999) },
  { name: 'listSubscribers', allowed: ADMIN, run: (t, a) => subscriptions.listSubscribers(t.ctx, a) },
  { name: 'removeSubscriber', allowed: ADMIN, run: (t, a) => subscriptions.removeSubscriber(t.ctx, a, 999) },
  { name: 'subscriberHistory', allowed: ADMIN, run: (t, a) => subscriptions.subscriberHistory(t.ctx, a, 999) },
  {
    name: 'createToken',
    allowed: ADMIN,
    run: (t, a) => tokens.createToken(t.ctx, a, { name: `t-${a.scope}`, scope: 'events' }),
  },
  { name: 'listTokens', allowed: ADMIN, run: (t, a) => tokens.listTokens(t.ctx, a) },
  { name: 'revokeToken', allowed: ADMIN, run: (t, a) => tokens.revokeToken(t.ctx, a, 'no-such-token') },
  { name: 'listUsers', allowed: ADMIN, run: (t, a) => users.listUsers(t.ctx, a) },
  { name: 'getUser', allowed: ADMIN, run: (t, a) => users.getUser(t.ctx, a, 999) },
  {
    name: 'createUser',
    allowed: ADMIN,
    run: (t, a) => users.createUser(t.ctx, a, { email: `${a.scope}@example.com`, role: 'editor' }),
  },
  { name: 'changeRole', allowed: ADMIN, run: (t, a) => users.changeRole(t.ctx, a, 999, 'admin') },
  { name: 'removeUser', allowed: ADMIN, run: (t, a) => users.removeUser(t.ctx, a, 999) },
  {
    name: 'resetPassword',
    allowed: ADMIN,
    run: (t, a) => users.resetPassword(t.ctx, a, 'nobody@example.com', undefined),
  },
  { name: 'showOAuthCredentials', allowed: ADMIN, run: (t, a) => oauth.showOAuthCredentials(t.ctx, a) },
  { name: 'regenerateOAuthCredentials', allowed: ADMIN, run: (t, a) => oauth.regenerateOAuthCredentials(t.ctx, a) },
  {
    name: 'updateSiteSettings',
    allowed: ADMIN,
    run: (t, a) => siteSettings.updateSiteSettings(t.ctx, a, { about: `by ${a.scope}` }),
  },
  { name: 'resetSiteSettings', allowed: ADMIN, run: (t, a) => siteSettings.resetSiteSettings(t.ctx, a) },
  { name: 'getSmtpSettings', allowed: ADMIN, run: (t, a) => smtp.getSmtpSettings(t.ctx, a) },
  { name: 'updateSmtpSettings', allowed: ADMIN, run: (t, a) => smtp.updateSmtpSettings(t.ctx, a, {}) },
  {
    name: 'sendTestEmail',
    allowed: ADMIN,
    run: (t, a) =>
      smtp.sendTestEmail(t.ctx, a, async () => {}, { to: 'x@example.com', fallbackBaseUrl: 'http://localhost' }),
  },
  { name: 'browseAudit', allowed: ADMIN, run: (t, a) => browseAudit(t.ctx, a, {}) },
  { name: 'importData', allowed: ADMIN, run: (t, a) => importData(t.ctx, a, { not: 'an export' }) },
  { name: 'logOut', allowed: PEOPLE, run: (t, a) => sessions.logOut(t.ctx, sessionOf(a), '127.0.0.1') },
  {
    name: 'changePassword',
    allowed: PEOPLE,
    run: (t, a) => sessions.changePassword(t.ctx, sessionOf(a), { current: 'wrong', address: '127.0.0.1' }),
  },
];

/** Guarded use cases that act for someone else than a caller they are given (the table is still asked inside). */
const NOT_CALLER_GUARDED = new Set([
  // The transaction every use case runs its write in, after asking the table itself.
  'inWriteScope',
  // Inside postEvent, confirmRecovery and automation's transactions; asks 'event.post' itself.
  'postEventIn',
  'postAutomatedState',
  // Parts of postEventIn.
  'planEvent',
  'recordEventEffects',
  // Inside an incident's or a maintenance's write (which asks 'incident.write' or
  // 'maintenance.write' first), in its transaction.
  'postIncidentEvent',
  // Inside postEventIn: automation's word during a maintenance window becomes a note.
  'quietDuringMaintenance',
  // Build or resolve actors rather than act.
  'automationActor',
  'actorForUser',
  'authorOf',
  'automationSourceOf',
  'authorize',
  'requireAdmin',
  // The write path every use case runs in.
  'inTransaction',
  // Its composable form (a WriteScope for use cases that share one transaction).
  'inWriteScope',
  // Its idempotent form for incident and maintenance writes, which name the action it asks
  // the table for ('incident.write' or 'maintenance.write').
  'idempotentWrite',
]);

describe('the permission table, checked in every use case', () => {
  let t: TestApp;

  before(async () => {
    t = await startTestApp('sqlite');
    assert.equal((await t.post('/service-lists', { name: 'Core', description: 'Core services' })).statusCode, 201);
    assert.equal((await t.post('/services', { name: 'API', description: 'The API', list: 'core' })).statusCode, 201);
  });

  after(async () => {
    await t.close();
  });

  for (const useCase of USE_CASES) {
    it(`${useCase.name}: ${useCase.allowed.join(', ')} allowed; everyone else Forbidden, changing nothing`, async () => {
      for (const scope of SCOPES) {
        const actor = ACTORS[scope];
        const before = await readDataVersion(t.ctx.database.db);
        // Some use cases refuse synchronously: both count.
        const outcome = await Promise.resolve()
          .then(() => useCase.run(t, actor))
          .then(
            () => 'done',
            (error: unknown) => error,
          );
        if (useCase.allowed.includes(scope)) {
          assert.ok(!(outcome instanceof Forbidden), `${useCase.name} refused ${scope}: ${String(outcome)}`);
        } else {
          assert.ok(outcome instanceof Forbidden, `${useCase.name} let ${scope} through: ${String(outcome)}`);
          assert.equal(await readDataVersion(t.ctx.database.db), before, `${useCase.name} by ${scope} changed data`);
        }
      }
    });
  }

  it('the table itself says the same as the use cases (no scope is allowed more than the test expects)', () => {
    const actions = {
      createService: 'catalog.write',
      postEvent: 'event.post',
      deleteEvent: 'event.delete',
      confirmRecovery: 'recovery.confirm',
      receiveAlertmanager: 'alerts.receive',
      createIncident: 'incident.write',
      createMaintenance: 'maintenance.write',
    } as const;
    for (const [name, action] of Object.entries(actions)) {
      const useCase = USE_CASES.find((u) => u.name === name)!;
      assert.deepEqual(
        SCOPES.filter((scope) => permits(scope, action)),
        useCase.allowed,
      );
    }
  });

  it('automation is known by its recorded scope; older events by the names only built-in automation gets', () => {
    assert.deepEqual(
      SCOPES.filter((s) => isAutomatedScope(s)),
      ['events', 'check', 'push', 'heartbeat', 'alertmanager'],
    );
    assert.equal(isAutomatedScope(null), false);
    assert.equal(scopeOfAutomationAuthor('check:api-http'), 'check');
    assert.equal(scopeOfAutomationAuthor('alertmanager:{}:{}'), 'alertmanager');
    assert.equal(scopeOfAutomationAuthor('push'), 'push');
    assert.equal(scopeOfAutomationAuthor('heartbeat'), 'heartbeat');
    for (const author of ['token:check:x', 'user:push', 'cli:heartbeat', 'pusher'])
      assert.equal(scopeOfAutomationAuthor(author), null);
  });

  it('covers every exported use case that takes an actor or a session', () => {
    const dir = join(import.meta.dirname, '../src/services');
    const found: string[] = [];
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
      const source = readFileSync(join(dir, file), 'utf8');
      for (const match of source.matchAll(/export (?:async )?function (\w+)(?:<[^>]*>)?\(([^)]*)\)/g)) {
        if (/\b(actor|caller): Actor\b|\bsession: Session\b/.test(match[2]!)) found.push(match[1]!);
      }
    }
    const covered = new Set(USE_CASES.map((u) => u.name));
    const missing = found.filter((name) => !covered.has(name) && !NOT_CALLER_GUARDED.has(name));
    assert.deepEqual(missing, [], 'use cases that take an actor but are not in this test');
  });
});
