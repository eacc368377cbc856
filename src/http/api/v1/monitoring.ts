import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Context } from '../../../services/context.ts';
import type { AlertmanagerRules } from '../../../domain/alertmanager.ts';
import type { ServiceAutomation } from '../../../domain/service-automation.ts';
import { getPush, regeneratePushSecret, removePushSecret } from '../../../services/push.ts';
import { confirmRecovery, getAutomation, updateAutomationSettings } from '../../../services/automation-settings.ts';
import { deleteCheck, getCheck, listChecks, saveCheck, type Check } from '../../../services/checks.ts';
import { receiveAlertmanager } from '../../../services/alertmanager.ts';
import { flagParam, param } from './params.ts';
import { resource } from './resource.ts';

export interface MonitoringApiOptions {
  ctx: Context;
  alertmanager: Readonly<AlertmanagerRules>;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const origin = (request: FastifyRequest) => `${request.protocol}://${request.host}`;

/** `secret` is known only in the answer that made it: it is stored as a hash and never shown again. */
function pushJson(
  request: FastifyRequest,
  slug: string,
  enabled: boolean,
  secret: string | null,
  lastPushAt: number | null,
) {
  return {
    service: slug,
    enabled,
    secret,
    url: secret === null ? null : `${origin(request)}/api/push/${secret}`,
    last_push_at: iso(lastPushAt),
  };
}

function automationJson(request: FastifyRequest, slug: string, a: ServiceAutomation) {
  return {
    service: slug,
    recovery_needs_human: a.policy.recoveryNeedsHuman,
    min_change_interval: a.policy.minChangeIntervalMs / 1000,
    heartbeat_period: a.heartbeatPeriodMs === null ? 0 : a.heartbeatPeriodMs / 1000,
    heartbeat_state: a.heartbeatState,
    heartbeat_fired_at: iso(a.heartbeatFiredAt),
    statuses: a.statuses,
    push: {
      enabled: a.pushSecretHash !== null,
      last_push_at: iso(a.lastPushAt),
      self: `${origin(request)}/admin/api/v1/services/${slug}/push`,
    },
    recovery_pending: a.recoveryPendingSince !== null,
    recovery_pending_since: iso(a.recoveryPendingSince),
    recovery_pending_status: a.recoveryPendingStatus,
    last_status_change_at: iso(a.lastStatusChangeAt),
    checks_state: a.checksState,
    alerts_state: a.alertsState,
  };
}

function checkJson(request: FastifyRequest, slug: string, c: Check) {
  return {
    name: c.name,
    kind: c.kind,
    target: c.target,
    expected_statuses: c.expectedStatuses,
    keyword: c.keyword,
    keyword_absent: c.keywordAbsent,
    latency_warning_ms: c.latencyWarningMs,
    interval: c.intervalMs / 1000,
    timeout: c.timeoutMs / 1000,
    failure_threshold: c.failureThreshold,
    enabled: c.enabled,
    state: c.effectiveState,
    last_result: c.lastResult,
    last_message: c.lastMessage,
    last_checked_at: iso(c.lastCheckedAt),
    last_latency_ms: c.lastLatencyMs,
    consecutive_failures: c.consecutiveFailures,
    url: `${origin(request)}/admin/api/v1/services/${slug}/checks/${c.name}`,
  };
}

function checkInput(request: FastifyRequest) {
  return {
    kind: param(request, 'kind'),
    target: param(request, 'target'),
    expectedStatuses: param(request, 'expected_statuses'),
    keyword: param(request, 'keyword'),
    keywordAbsent: flagParam(request, 'keyword_absent'),
    latencyWarningMs: param(request, 'latency_warning_ms'),
    interval: param(request, 'interval'),
    timeout: param(request, 'timeout'),
    failureThreshold: param(request, 'failure_threshold'),
    enabled: flagParam(request, 'enabled'),
  };
}

/**
 * Admin API of monitoring: push URLs, automation settings and the escalation policy,
 * confirm recovery, built-in checks, and the Alertmanager receiver (the admin mount only).
 */
export async function monitoringApi(app: FastifyInstance, options: MonitoringApiOptions): Promise<void> {
  const v1 = { mount: 'admin' as const, mountPath: '/admin/api/v1', ctx: options.ctx };

  resource(app, v1, '/services/:service/push', {
    GET: {
      action: 'configuration.read',
      run: async ({ ctx, actor, request, params }) => {
        const push = await getPush(ctx, actor, params.service!);
        return pushJson(request, params.service!, push.enabled, null, push.lastPushAt);
      },
    },
    POST: {
      write: true,
      action: 'monitoring.configure',
      run: async ({ ctx, actor, request, params }) => {
        const { secret } = await regeneratePushSecret(ctx, actor, params.service!);
        const push = await getPush(ctx, actor, params.service!);
        return pushJson(request, params.service!, true, secret, push.lastPushAt);
      },
    },
    DELETE: {
      write: true,
      action: 'monitoring.configure',
      run: async ({ ctx, actor, request, params }) => {
        await removePushSecret(ctx, actor, params.service!);
        return pushJson(request, params.service!, false, null, null);
      },
    },
  });

  resource(app, v1, '/services/:service/automation', {
    GET: {
      action: 'configuration.read',
      run: async ({ ctx, actor, request, params }) =>
        automationJson(request, params.service!, await getAutomation(ctx, actor, params.service!)),
    },
    POST: {
      write: true,
      action: 'monitoring.configure',
      run: async ({ ctx, actor, request, params }) =>
        automationJson(
          request,
          params.service!,
          await updateAutomationSettings(ctx, actor, params.service!, {
            recoveryNeedsHuman: flagParam(request, 'recovery_needs_human'),
            minChangeInterval: param(request, 'min_change_interval'),
            heartbeatPeriod: param(request, 'heartbeat_period'),
            heartbeatState: param(request, 'heartbeat_state'),
            statusUp: param(request, 'status_up'),
            statusWarning: param(request, 'status_warning'),
            statusDown: param(request, 'status_down'),
          }),
        ),
    },
  });

  resource(app, v1, '/services/:service/confirm-recovery', {
    POST: {
      write: true,
      action: 'recovery.confirm',
      status: 201,
      run: async ({ ctx, actor, json, request, params }) =>
        json.event(
          await confirmRecovery(ctx, actor, params.service!, {
            status: param(request, 'status'),
            message: param(request, 'message'),
          }),
        ),
    },
  });

  resource(app, v1, '/services/:service/checks', {
    GET: {
      action: 'configuration.read',
      run: async ({ ctx, actor, request, params }) => ({
        checks: (await listChecks(ctx, actor, params.service!)).map((c) => checkJson(request, params.service!, c)),
      }),
    },
    POST: {
      write: true,
      action: 'monitoring.configure',
      status: 201,
      run: async ({ ctx, actor, request, params }) => {
        const { check } = await saveCheck(
          ctx,
          actor,
          params.service!,
          { ...checkInput(request), name: param(request, 'name') },
          'create',
        );
        return checkJson(request, params.service!, check);
      },
    },
  });

  resource(app, v1, '/services/:service/checks/:check', {
    GET: {
      action: 'configuration.read',
      run: async ({ ctx, actor, request, params }) =>
        checkJson(request, params.service!, await getCheck(ctx, actor, params.service!, params.check!)),
    },
    POST: {
      write: true,
      action: 'monitoring.configure',
      run: async ({ ctx, actor, request, params }) => {
        const { check } = await saveCheck(
          ctx,
          actor,
          params.service!,
          { ...checkInput(request), name: params.check! },
          'update',
        );
        return checkJson(request, params.service!, check);
      },
    },
    DELETE: {
      write: true,
      action: 'monitoring.configure',
      run: async ({ ctx, actor, request, params }) =>
        checkJson(request, params.service!, await deleteCheck(ctx, actor, params.service!, params.check!)),
    },
  });

  resource(app, v1, '/hooks/alertmanager', {
    POST: {
      write: true,
      action: 'alerts.receive',
      run: async ({ ctx, actor, request }) => ({
        ok: true,
        ...(await receiveAlertmanager(ctx, actor, options.alertmanager, request.body)),
      }),
    },
  });
}
