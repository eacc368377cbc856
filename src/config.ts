import { parseArgs } from 'node:util';
import { checkSiteSetting, SITE_DEFAULTS, type SiteSettings } from './domain/site-settings.ts';
import { DomainError } from './domain/errors.ts';
import { parseAllowList, type AllowList } from './outbound/address-guard.ts';
import { parseCidr } from './outbound/ip-address.ts';
import { DEFAULT_ALERTMANAGER_RULES, parseSeverityMap, type AlertmanagerRules } from './domain/alertmanager.ts';
import { isAutomationState } from './domain/automation-state.ts';

/** Everything the process is configured with: flags > environment > defaults, validated once. */
export interface Config {
  host: string;
  port: number;
  database: string;
  bodyLimit: number;
  /**
   * Which proxies' `X-Forwarded-*` headers to believe: false (none), a hop count (that many
   * proxies in front), or the proxies' addresses and CIDR ranges. Never "every hop".
   */
  trustProxy: TrustProxy;
  /** An extra admin-scope bearer token, for automation (STASHBOARD_ADMIN_TOKEN). */
  adminToken: string | undefined;
  logLevel: string;
  /** Admin API requests one client address may make per minute (then 429). */
  adminRateLimit: number;
  /** Public answers not cached yet that one client address may have rendered per 10 seconds (then 429). */
  renderLimit: number;
  /** Live streams (`/api/v1/live`) one client address may hold open at once (then 429). */
  liveStreamsPerAddress: number;
  /** Public site defaults; the admin site may override them in the database. */
  site: Readonly<SiteSettings>;
  /** Internal addresses and hosts outbound requests (checks, webhooks) may reach anyway (OUTBOUND_ALLOW). */
  outboundAllow: Readonly<AllowList>;
  /** Whether `serve` runs the built-in checks and heartbeats (MONITORS=false turns them off). */
  monitors: boolean;
  /** Checks, heartbeats and the Alertmanager receiver (env MONITOR_*, CHECK_*, ALERTMANAGER_*; see docs/monitoring.md). */
  monitoring: Readonly<MonitoringConfig>;
  /** Outbound notification delivery (env NOTIFY_*; see docs/notifications.md). */
  notifications: Readonly<NotificationConfig>;
  /** Prometheus metrics at /metrics (off by default; see docs/deployment.md). */
  metrics: Readonly<MetricsConfig>;
  /** On SIGTERM, how long in-flight requests and the delivery batch may take before connections are cut. */
  shutdownTimeoutMs: number;
}

export interface MetricsConfig {
  enabled: boolean;
  /** Required on the main address: scrapers send `Authorization: Bearer <token>`. */
  token: string | undefined;
  /** A separate address (`host:port`) that serves only /metrics, without a token. */
  listen: { host: string; port: number } | undefined;
}

export interface NotificationConfig {
  /** Whether `serve` runs the delivery worker (NOTIFY_WORKER=false: another instance delivers). */
  worker: boolean;
  /** How often the worker looks for due deliveries when nothing woke it. */
  pollMs: number;
  /** The wait after a delivery's first failure; doubles with each further failure. */
  retryBaseMs: number;
  maxAttempts: number;
  /** Failed attempts in a row after which a channel is paused. */
  pauseAfterFailures: number;
  /**
   * How long a claimed delivery stays reserved for this instance; after a crash, its
   * deliveries wait this long. Keep it above twice the 10-second send timeout.
   */
  leaseMs: number;
}

export interface MonitoringConfig {
  /** How often the scheduler looks for due checks and silent heartbeats. */
  tickMs: number;
  /** Days of check response times kept. */
  sampleRetentionDays: number;
  alertmanager: Readonly<AlertmanagerRules>;
}

export type TrustProxy = false | number | readonly string[];

export class ConfigError extends Error {}

/** The shortest STASHBOARD_ADMIN_TOKEN accepted: it is a full admin credential. */
export const ADMIN_TOKEN_MIN_LENGTH = 32;

// proxy-addr's names for whole classes of addresses.
const PROXY_ADDRESS_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/**
 * `--trust-proxy` / TRUST_PROXY: a hop count (1 to 10), or a comma-separated list of proxy
 * addresses and CIDR ranges (or loopback, linklocal, uniquelocal). `true` is refused: trusting
 * every hop lets any client choose its own address with X-Forwarded-For.
 */
export function parseTrustProxy(text: string | undefined): TrustProxy {
  const value = (text ?? '').trim();
  if (/^(|0|false|no|off)$/i.test(value)) return false;
  if (/^(true|yes|on)$/i.test(value)) {
    throw new ConfigError(
      'trust proxy: "true" (trust every hop) is no longer accepted, because any client could then choose its own ' +
        'address with X-Forwarded-For. Give the number of proxies in front of Stashboard (e.g. --trust-proxy 1, ' +
        'TRUST_PROXY=1) or their addresses (e.g. --trust-proxy 127.0.0.1,10.0.0.0/8)',
    );
  }
  if (/^\d+$/.test(value)) return integer('trust proxy hop count', value, 1, 10);
  const entries = value.split(',').map((entry) => entry.trim());
  for (const entry of entries) {
    if (!PROXY_ADDRESS_NAMES.has(entry.toLowerCase()) && !parseCidr(entry)) {
      throw new ConfigError(
        `trust proxy: ${JSON.stringify(entry)} is neither a hop count nor an IP address or CIDR range of a proxy`,
      );
    }
  }
  return Object.freeze(
    entries.map((entry) => (PROXY_ADDRESS_NAMES.has(entry.toLowerCase()) ? entry.toLowerCase() : entry)),
  );
}

function adminToken(text: string | undefined): string | undefined {
  if (text === undefined || text === '') return undefined;
  if (text.length < ADMIN_TOKEN_MIN_LENGTH || /\s/.test(text)) {
    throw new ConfigError(
      `STASHBOARD_ADMIN_TOKEN must be at least ${ADMIN_TOKEN_MIN_LENGTH} characters without spaces (it is a full ` +
        `admin credential; e.g. openssl rand -hex 32), not ${text.length} characters`,
    );
  }
  return text;
}

export const DEFAULTS = {
  host: '0.0.0.0',
  port: 8080,
  database: './data/stashboard.db',
  bodyLimit: 64 * 1024,
  adminRateLimit: 600,
  renderLimit: 20,
  liveStreamsPerAddress: 10,
  logLevel: 'info',
  shutdownTimeoutSeconds: 10,
} as const;

/** The flags `serve` (and the commands that open the database) accept. */
export const SERVER_OPTIONS = {
  host: { type: 'string' },
  port: { type: 'string' },
  database: { type: 'string' },
  'body-limit': { type: 'string' },
  'trust-proxy': { type: 'string' },
  'log-level': { type: 'string' },
  'admin-rate-limit': { type: 'string' },
  'render-limit': { type: 'string' },
  'live-streams-per-address': { type: 'string' },
  'site-name': { type: 'string' },
  'logo-url': { type: 'string' },
  'report-problem-url': { type: 'string' },
  'time-zone': { type: 'string' },
  'history-days': { type: 'string' },
  'site-url': { type: 'string' },
  about: { type: 'string' },
  'outbound-allow': { type: 'string' },
  'no-monitors': { type: 'boolean' },
  metrics: { type: 'boolean' },
  'metrics-listen': { type: 'string' },
  'shutdown-timeout': { type: 'string' },
} as const;

export const SERVER_OPTIONS_HELP = `  --host H          address to listen on (env HOST; default ${DEFAULTS.host})
  --port P          port to listen on (env PORT; default ${DEFAULTS.port})
  --database URL    SQLite file path or postgres:// URL (env DATABASE_URL; default ${DEFAULTS.database})
  --body-limit N    largest request body in bytes (env BODY_LIMIT; default ${DEFAULTS.bodyLimit})
  --trust-proxy N|LIST
                    behind your own reverse proxy: honour X-Forwarded-Proto/-Host/-For from N proxies
                    in front (a hop count, e.g. 1) or from these proxy addresses/CIDRs (e.g.
                    127.0.0.1,10.0.0.0/8) (env TRUST_PROXY; default off; "true" is refused)
  --admin-rate-limit N
                    admin API requests per minute per client address (env ADMIN_RATE_LIMIT; default ${DEFAULTS.adminRateLimit})
  --render-limit N  public pages and API answers not cached yet that one client address may have rendered
                    per 10 seconds: N at once, then one every 10/N s; more get 429 (env RENDER_LIMIT;
                    default ${DEFAULTS.renderLimit})
  --live-streams-per-address N
                    live streams (/api/v1/live) one client address may hold open (env LIVE_STREAMS_PER_ADDRESS;
                    default ${DEFAULTS.liveStreamsPerAddress})
  --log-level L     fatal, error, warn, info, debug or silent (env LOG_LEVEL; default ${DEFAULTS.logLevel})
  --site-name S     the status page's name (env SITE_NAME; default ${SITE_DEFAULTS.siteName})
  --logo-url U      logo image URL or /path (env SITE_LOGO_URL; default none)
  --report-problem-url U
                    "report a problem" link, http(s) or mailto (env SITE_REPORT_PROBLEM_URL; default none)
  --time-zone Z     IANA time zone days are counted in (env SITE_TIME_ZONE; default ${SITE_DEFAULTS.timeZone})
  --history-days N  days in the history strips, 5 to 366 (env SITE_HISTORY_DAYS; default ${SITE_DEFAULTS.historyDays})
  --site-url U      public base URL, e.g. https://status.example.com (env SITE_URL; default: the request's)
  --about TEXT      a short text shown at the top of the status page (env SITE_ABOUT; default none)
  --outbound-allow LIST
                    comma-separated CIDRs, addresses or host names (.suffix for subdomains) that checks
                    and webhooks may reach although they are loopback/private/link-local
                    (env OUTBOUND_ALLOW; default none: only public addresses)
  --no-monitors     do not run built-in checks and heartbeats in this process (env MONITORS=false)
  env STASHBOARD_ADMIN_TOKEN
                    an extra admin-scope bearer token for automation; at least 32 characters
  --metrics         serve Prometheus metrics at /metrics (env METRICS=true; default off); on the main
                    address scrapers must send the bearer token METRICS_TOKEN (env only, 16+ characters)
  --metrics-listen HOST:PORT
                    serve /metrics on this separate address instead, without a token (env METRICS_LISTEN;
                    implies --metrics)
  --shutdown-timeout S
                    on SIGTERM, seconds in-flight requests and deliveries may take before connections
                    are cut (env SHUTDOWN_TIMEOUT; default ${DEFAULTS.shutdownTimeoutSeconds})`;

type Flags = Partial<Record<keyof typeof SERVER_OPTIONS, string | boolean>>;

function integer(name: string, text: string, min: number, max: number): number {
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) {
    throw new ConfigError(`${name} must be a whole number from ${min} to ${max}, not ${JSON.stringify(text)}`);
  }
  return Number(text);
}

/** A site setting from flags/env, checked by the same rule the admin site uses. */
function siteSetting<K extends keyof SiteSettings>(key: K, text: string | undefined): SiteSettings[K] {
  if (text === undefined) return SITE_DEFAULTS[key];
  try {
    return checkSiteSetting(key, text);
  } catch (error) {
    if (error instanceof DomainError) throw new ConfigError(error.message);
    throw error;
  }
}

function bool(name: string, text: string): boolean {
  if (/^(1|true|yes)$/i.test(text)) return true;
  if (/^(0|false|no|)$/i.test(text)) return false;
  throw new ConfigError(`${name} must be true or false, not ${JSON.stringify(text)}`);
}

function allowList(text: string): AllowList {
  try {
    return parseAllowList(text);
  } catch (error) {
    throw new ConfigError(`outbound allow-list: ${(error as Error).message}`);
  }
}

function metricsConfig(flags: Flags, env: NodeJS.ProcessEnv, listenText: string | undefined): Readonly<MetricsConfig> {
  let listen: MetricsConfig['listen'];
  if (listenText !== undefined) {
    const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d+)$/.exec(listenText);
    if (!m) throw new ConfigError(`metrics listen address must be HOST:PORT, not ${JSON.stringify(listenText)}`);
    listen = { host: (m[1] ?? m[2])!, port: integer('metrics listen port', m[3]!, 1, 65535) };
  }
  const enabled = listen !== undefined || flags.metrics === true || bool('METRICS', env.METRICS ?? '');
  const token = env.METRICS_TOKEN || undefined;
  if (token !== undefined && token.length < 16) throw new ConfigError('METRICS_TOKEN must be at least 16 characters');
  if (enabled && !listen && !token) {
    throw new ConfigError(
      'metrics on the main address need a bearer token: set METRICS_TOKEN, or serve them on --metrics-listen HOST:PORT',
    );
  }
  return Object.freeze({ enabled, token, listen: listen && Object.freeze(listen) });
}

function monitoringConfig(env: NodeJS.ProcessEnv): Readonly<MonitoringConfig> {
  let severities = DEFAULT_ALERTMANAGER_RULES.severities;
  try {
    if (env.ALERTMANAGER_SEVERITIES) severities = Object.freeze(parseSeverityMap(env.ALERTMANAGER_SEVERITIES));
  } catch (error) {
    throw new ConfigError(`ALERTMANAGER_SEVERITIES: ${(error as Error).message}`);
  }
  const unmapped = env.ALERTMANAGER_UNMAPPED || DEFAULT_ALERTMANAGER_RULES.unmappedState;
  if (!isAutomationState(unmapped))
    throw new ConfigError(`ALERTMANAGER_UNMAPPED must be up, warning or down, not ${JSON.stringify(unmapped)}`);
  return Object.freeze({
    tickMs: integer('MONITOR_TICK_MS', env.MONITOR_TICK_MS || '1000', 10, 60_000),
    sampleRetentionDays: integer('CHECK_RETENTION_DAYS', env.CHECK_RETENTION_DAYS || '7', 1, 3660),
    alertmanager: Object.freeze({
      serviceLabel: env.ALERTMANAGER_SERVICE_LABEL || DEFAULT_ALERTMANAGER_RULES.serviceLabel,
      severityLabel: env.ALERTMANAGER_SEVERITY_LABEL || DEFAULT_ALERTMANAGER_RULES.severityLabel,
      severities,
      unmappedState: unmapped,
    }),
  });
}

export function loadConfig(flags: Flags, env: NodeJS.ProcessEnv): Readonly<Config> {
  const pick = (flag: keyof Flags, envName: string): string | undefined => {
    const value = flags[flag];
    if (typeof value === 'string') return value;
    const fromEnv = env[envName];
    return fromEnv === undefined || fromEnv === '' ? undefined : fromEnv;
  };
  const logLevel = pick('log-level', 'LOG_LEVEL') ?? DEFAULTS.logLevel;
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(logLevel)) {
    throw new ConfigError(
      `log level must be one of fatal, error, warn, info, debug, trace, silent, not ${JSON.stringify(logLevel)}`,
    );
  }
  const database = pick('database', 'DATABASE_URL') ?? DEFAULTS.database;
  if (database.trim() === '') throw new ConfigError('database must not be empty');
  return Object.freeze({
    host: pick('host', 'HOST') ?? DEFAULTS.host,
    port: integer('port', pick('port', 'PORT') ?? String(DEFAULTS.port), 0, 65535),
    database,
    bodyLimit: integer(
      'body limit',
      pick('body-limit', 'BODY_LIMIT') ?? String(DEFAULTS.bodyLimit),
      1024,
      100 * 1024 * 1024,
    ),
    trustProxy: parseTrustProxy(pick('trust-proxy', 'TRUST_PROXY')),
    adminToken: adminToken(env.STASHBOARD_ADMIN_TOKEN),
    logLevel,
    adminRateLimit: integer(
      'admin rate limit',
      pick('admin-rate-limit', 'ADMIN_RATE_LIMIT') ?? String(DEFAULTS.adminRateLimit),
      1,
      1_000_000,
    ),
    renderLimit: integer(
      'render limit',
      pick('render-limit', 'RENDER_LIMIT') ?? String(DEFAULTS.renderLimit),
      1,
      1_000_000_000,
    ),
    liveStreamsPerAddress: integer(
      'live streams per address',
      pick('live-streams-per-address', 'LIVE_STREAMS_PER_ADDRESS') ?? String(DEFAULTS.liveStreamsPerAddress),
      1,
      1_000_000,
    ),
    site: Object.freeze({
      siteName: siteSetting('siteName', pick('site-name', 'SITE_NAME')),
      logoUrl: siteSetting('logoUrl', pick('logo-url', 'SITE_LOGO_URL')),
      reportProblemUrl: siteSetting('reportProblemUrl', pick('report-problem-url', 'SITE_REPORT_PROBLEM_URL')),
      timeZone: siteSetting('timeZone', pick('time-zone', 'SITE_TIME_ZONE')),
      historyDays: siteSetting('historyDays', pick('history-days', 'SITE_HISTORY_DAYS')),
      siteUrl: siteSetting('siteUrl', pick('site-url', 'SITE_URL')),
      about: siteSetting('about', pick('about', 'SITE_ABOUT')),
    }),
    outboundAllow: Object.freeze(allowList(pick('outbound-allow', 'OUTBOUND_ALLOW') ?? '')),
    monitors: flags['no-monitors'] !== true && bool('MONITORS', env.MONITORS || 'true'),
    monitoring: monitoringConfig(env),
    notifications: Object.freeze({
      worker: bool('NOTIFY_WORKER', env.NOTIFY_WORKER || 'true'),
      pollMs: integer('NOTIFY_POLL_MS', env.NOTIFY_POLL_MS || '1000', 10, 3_600_000),
      retryBaseMs: integer('NOTIFY_RETRY_BASE_MS', env.NOTIFY_RETRY_BASE_MS || '10000', 1, 3_600_000),
      maxAttempts: integer('NOTIFY_MAX_ATTEMPTS', env.NOTIFY_MAX_ATTEMPTS || '12', 1, 100),
      pauseAfterFailures: integer('NOTIFY_PAUSE_AFTER', env.NOTIFY_PAUSE_AFTER || '10', 1, 1000),
      leaseMs: integer('NOTIFY_LEASE_MS', env.NOTIFY_LEASE_MS || '120000', 1000, 3_600_000),
    }),
    metrics: metricsConfig(flags, env, pick('metrics-listen', 'METRICS_LISTEN')),
    shutdownTimeoutMs:
      integer(
        'shutdown timeout',
        pick('shutdown-timeout', 'SHUTDOWN_TIMEOUT') ?? String(DEFAULTS.shutdownTimeoutSeconds),
        0,
        3600,
      ) * 1000,
  });
}

export function parseServerFlags(args: string[]): { flags: Flags; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({ args, options: SERVER_OPTIONS, allowPositionals: true, strict: true });
    return { flags: values as Flags, positionals };
  } catch (error) {
    const message = (error as Error).message;
    if (message.includes('--trust-proxy')) {
      throw new ConfigError(
        `--trust-proxy needs a value: the number of proxies in front of Stashboard (e.g. --trust-proxy 1) or their addresses (e.g. --trust-proxy 127.0.0.1,10.0.0.0/8)`,
      );
    }
    throw new ConfigError(message);
  }
}
