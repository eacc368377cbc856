/**
 * Who may do what: the one table. Every actor carries a scope that says exactly what it
 * may do; every use case that writes (and every read that is not public) asks `permits`
 * before it does anything else, so a new route cannot forget the check. The admin API's
 * route-level 403 asks the same table.
 */

/** What an actor may do; one per kind of actor. */
export type Scope =
  /** Admin users, admin-scope API tokens, STASHBOARD_ADMIN_TOKEN, OAuth clients, the command line. */
  | 'admin'
  /** Editor users: post and delete events and notes, manage incidents and maintenance, confirm held recoveries. */
  | 'editor'
  /** `events`-scope API tokens (monitoring scripts): post and read events, post Alertmanager alerts. */
  | 'events'
  /** Built-in automation, one scope per source: each may only post events. */
  | 'check'
  | 'push'
  | 'heartbeat'
  | 'alertmanager'
  /** The public API's anonymous reader. */
  | 'reader'
  /** A visitor on the subscription pages (subscribe, confirm, unsubscribe). */
  | 'subscriber'
  /** The login form, before anyone is signed in (records failed attempts). */
  | 'login';

export const SCOPES: readonly Scope[] = [
  'admin',
  'editor',
  'events',
  'check',
  'push',
  'heartbeat',
  'alertmanager',
  'reader',
  'subscriber',
  'login',
];

/** The automation sources that act under a scope of their own. */
export type AutomationScope = Extract<Scope, 'check' | 'push' | 'heartbeat' | 'alertmanager'>;

export function isAutomationScope(scope: Scope): scope is AutomationScope {
  return scope === 'check' || scope === 'push' || scope === 'heartbeat' || scope === 'alertmanager';
}

/** Who is acting: recorded as the author of what they write. */
export interface Actor {
  kind: 'token' | 'oauth' | 'env-token' | 'user' | 'cli' | 'system' | 'automation';
  name: string;
  scope: Scope;
}

/** What a use case does, as the table knows it. */
export type Action =
  /** Services, service lists and statuses: create, change, delete. */
  | 'catalog.write'
  | 'catalog.read'
  | 'event.post'
  | 'event.delete'
  /** Recording an event at a past instant (history, not news). */
  | 'event.backdate'
  | 'event.read'
  /** Incidents, their updates and postmortems, and incident templates: create, change, delete. */
  | 'incident.write'
  /** Incidents as the admin API lists them (the public pages show them to everyone). */
  | 'incident.read'
  /** Scheduled maintenance and its updates: create, change, delete. */
  | 'maintenance.write'
  /** Maintenance as the admin API lists it (the public pages show it to everyone). */
  | 'maintenance.read'
  /** Posting a held recovery: a person's decision. */
  | 'recovery.confirm'
  | 'recovery.read'
  /** Checks, push URLs, heartbeat and escalation settings. */
  | 'monitoring.configure'
  /** Posting an Alertmanager webhook (the alerts then post as `alertmanager`). */
  | 'alerts.receive'
  | 'tokens.manage'
  | 'users.manage'
  | 'credentials.manage'
  /** Site and SMTP settings. */
  | 'settings.write'
  /** Notification channels and subscribers, as the admin sees them. */
  | 'notifications.configure'
  /** Everything else only admins read: tokens, users, audit log, credentials, settings, channels. */
  | 'configuration.read'
  /** Asking for, confirming and cancelling an email subscription. */
  | 'subscription.manage'
  /** Recording a login attempt. */
  | 'login.attempt'
  /** Signing out, changing one's own password. */
  | 'account.own'
  /** Loading an export into a new database. */
  | 'data.import';

const AUTOMATION: readonly Scope[] = ['check', 'push', 'heartbeat', 'alertmanager'];

/** The table: for each action, the scopes that may do it. */
export const PERMISSIONS: Readonly<Record<Action, readonly Scope[]>> = {
  'catalog.write': ['admin'],
  'catalog.read': ['admin', 'editor', 'reader'],
  'event.post': ['admin', 'editor', 'events', ...AUTOMATION],
  'event.delete': ['admin', 'editor'],
  'event.backdate': ['admin'],
  'event.read': ['admin', 'editor', 'events', 'reader'],
  'incident.write': ['admin', 'editor'],
  'incident.read': ['admin', 'editor'],
  'maintenance.write': ['admin', 'editor'],
  'maintenance.read': ['admin', 'editor'],
  'recovery.confirm': ['admin', 'editor'],
  'recovery.read': ['admin', 'editor'],
  'monitoring.configure': ['admin'],
  'alerts.receive': ['admin', 'events'],
  'tokens.manage': ['admin'],
  'users.manage': ['admin'],
  'credentials.manage': ['admin'],
  'settings.write': ['admin'],
  'notifications.configure': ['admin'],
  'configuration.read': ['admin'],
  'subscription.manage': ['subscriber'],
  'login.attempt': ['login'],
  'account.own': ['admin', 'editor'],
  'data.import': ['admin'],
};

export function permits(scope: Scope, action: Action): boolean {
  return PERMISSIONS[action].includes(scope);
}

const DOING: Readonly<Record<Action, string>> = {
  'catalog.write': 'change services, lists or statuses',
  'catalog.read': 'read services, lists or statuses here',
  'event.post': 'post events',
  'event.delete': 'delete events',
  'event.backdate': 'backdate events',
  'event.read': 'read events here',
  'incident.write': 'manage incidents',
  'incident.read': 'read incidents here',
  'maintenance.write': 'manage maintenance',
  'maintenance.read': 'read maintenance here',
  'recovery.confirm': 'confirm a recovery',
  'recovery.read': 'see held recoveries',
  'monitoring.configure': 'change monitoring',
  'alerts.receive': 'post alerts',
  'tokens.manage': 'manage API tokens',
  'users.manage': 'manage users',
  'credentials.manage': 'manage OAuth credentials',
  'settings.write': 'change settings',
  'notifications.configure': 'manage notifications',
  'configuration.read': 'read the configuration',
  'subscription.manage': 'manage a subscription',
  'login.attempt': 'log in here',
  'account.own': 'change an account',
  'data.import': 'import data',
};

/** Why `actor` may not do `action`, in the words the API and the admin site have always used. */
export function refusal(actor: Pick<Actor, 'name' | 'scope'>, action: Action): string {
  const { name, scope } = actor;
  if (action === 'alerts.receive') return `${name} may not post alerts`;
  if (scope === 'events') return `Token ${name} has the events scope: it may only post and read events`;
  if (scope === 'editor')
    return `${name} is an editor: editors may post and delete events and notes, manage incidents and maintenance, and confirm held recoveries, nothing else`;
  if (isAutomationScope(scope)) {
    return action === 'recovery.confirm'
      ? `${name} is automation: only a person may confirm a recovery`
      : `${name} is automation: it may only post events`;
  }
  return `${name} may not ${DOING[action]}`;
}
