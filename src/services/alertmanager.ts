import {
  alertMessage,
  alertState,
  alertSupersedes,
  parseAlertmanagerPayload,
  summarizeFiring,
  type AlertmanagerPayload,
  type AlertmanagerRules,
} from '../domain/alertmanager.ts';
import type { Transaction } from 'kysely';
import type { Schema } from '../db/schema.ts';
import type { Change } from '../changes/bus.ts';
import type { Service } from '../domain/resources.ts';
import * as services from '../db/repositories/services.ts';
import { findAutomation, updateAutomation } from '../db/repositories/automation.ts';
import { findAlertState, firingAlertsOfService, saveAlertState } from '../db/repositories/alert-states.ts';
import type { Actor, Context } from './context.ts';
import { authorize } from './fields.ts';
import { inTransaction } from './transaction.ts';
import { automationActor, postAutomatedState } from './automation-events.ts';

export interface AlertmanagerResult {
  services: Array<{
    service: string;
    state: string;
    outcome: 'posted' | 'noted' | 'unchanged' | 'ignored' | 'suppressed';
  }>;
  /** Alerts that name no known service, or whose service could not be updated (with the reason). */
  ignored: Array<{ fingerprint: string; reason: string }>;
}

/**
 * Alertmanager's webhook (payload version 4). Each alert is stored by fingerprint, so a
 * redelivered or repeated payload changes nothing; then each service named by an alert
 * takes the worst state of its firing alerts, or recovers when none fires any more.
 * Events are authored `alertmanager:<groupKey>`.
 */
export async function receiveAlertmanager(
  ctx: Context,
  caller: Actor,
  rules: AlertmanagerRules,
  body: unknown,
): Promise<AlertmanagerResult> {
  authorize(caller, 'alerts.receive');
  const payload = parseAlertmanagerPayload(body);
  const actor = automationActor('alertmanager', payload.groupKey);
  // Each service is updated in a transaction of its own: one that fails (e.g. the status it
  // maps to is gone) is reported as ignored, and every other service of the group still updates.
  const result: AlertmanagerResult = { services: [], ignored: [] };
  const byService = new Map<number, { service: Service; alerts: typeof payload.alerts }>();
  for (const alert of payload.alerts) {
    const slug = alert.labels[rules.serviceLabel];
    const service = slug ? await services.findServiceBySlug(ctx.database.db, slug) : undefined;
    if (!service) {
      result.ignored.push({
        fingerprint: alert.fingerprint,
        reason: slug ? `no service ${slug}` : `no ${rules.serviceLabel} label`,
      });
      continue;
    }
    const entry = byService.get(service.id) ?? { service, alerts: [] };
    entry.alerts.push(alert);
    byService.set(service.id, entry);
  }
  for (const { service, alerts } of byService.values()) {
    try {
      const outcome = await inTransaction(ctx, actor, (trx, changes) =>
        updateFromAlerts(trx, changes, ctx, actor, rules, payload.groupKey, service, alerts),
      );
      result.services.push(outcome);
    } catch (error) {
      const reason = `service ${service.slug} could not be updated: ${(error as Error).message}`;
      for (const alert of alerts) result.ignored.push({ fingerprint: alert.fingerprint, reason });
    }
  }
  return result;
}

/** Records one service's alerts of a group and posts the state they add up to. */
async function updateFromAlerts(
  trx: Transaction<Schema>,
  changes: Change[],
  ctx: Context,
  actor: Actor,
  rules: AlertmanagerRules,
  groupKey: string,
  service: Service,
  alerts: AlertmanagerPayload['alerts'],
): Promise<AlertmanagerResult['services'][number]> {
  const resolved: string[] = [];
  for (const alert of alerts) {
    const stored = await findAlertState(trx, alert.fingerprint);
    if (!alertSupersedes(stored, alert)) continue;
    if (alert.status === 'resolved') resolved.push(alertMessage(alert));
    await saveAlertState(trx, {
      fingerprint: alert.fingerprint,
      serviceId: service.id,
      groupKey,
      status: alert.status,
      state: alertState(alert, rules),
      startsAt: alert.startsAt,
      endsAt: alert.endsAt,
      message: alertMessage(alert),
      updatedAt: ctx.clock.now(),
    });
  }
  const automation = await findAutomation(trx, service.id);
  const firing = summarizeFiring(await firingAlertsOfService(trx, service.id));
  let desired: { state: 'up' | 'warning' | 'down'; message: string } | undefined = firing;
  if (!firing) {
    // Nothing fires: recover, unless Alertmanager never set this service's status.
    if (automation.alertsState === null) return { service: service.slug, state: 'up', outcome: 'unchanged' };
    desired = {
      state: 'up',
      message: resolved.length > 0 ? `Resolved: ${[...new Set(resolved)].join('; ')}` : 'All alerts resolved',
    };
  }
  const remembered = firing ? firing.message : null;
  if (desired!.state === (automation.alertsState ?? 'up') && remembered === automation.alertsMessage) {
    return { service: service.slug, state: desired!.state, outcome: 'unchanged' };
  }
  const posted = await postAutomatedState(
    trx,
    changes,
    ctx,
    actor,
    service,
    automation,
    desired!.state,
    desired!.message,
  );
  if (posted.outcome !== 'suppressed') {
    await updateAutomation(trx, service.id, { alertsState: firing ? firing.state : null, alertsMessage: remembered });
  }
  return { service: service.slug, state: desired!.state, outcome: posted.outcome };
}
