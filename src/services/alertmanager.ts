import {
  alertMessage,
  alertState,
  alertSupersedes,
  parseAlertmanagerPayload,
  summarizeFiring,
  type AlertmanagerRules,
} from '../domain/alertmanager.ts';
import type { Service } from '../domain/resources.ts';
import * as services from '../db/repositories/services.ts';
import { findAutomation, updateAutomation } from '../db/repositories/automation.ts';
import { findAlertState, firingAlertsOfService, saveAlertState } from '../db/repositories/alert-states.ts';
import type { Actor, Context } from './context.ts';
import { authorize } from './fields.ts';
import { inTransaction } from './transaction.ts';
import { automationActor, postAutomatedState } from './automated-events.ts';

export interface AlertmanagerResult {
  services: Array<{
    service: string;
    state: string;
    outcome: 'posted' | 'noted' | 'unchanged' | 'ignored' | 'suppressed';
  }>;
  /** Alerts that name no known service. */
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
  return inTransaction(ctx, actor, async (trx, changes) => {
    const result: AlertmanagerResult = { services: [], ignored: [] };
    const touched = new Map<number, { service: Service; resolved: string[] }>();
    for (const alert of payload.alerts) {
      const slug = alert.labels[rules.serviceLabel];
      const service = slug ? await services.findServiceBySlug(trx, slug) : undefined;
      if (!service) {
        result.ignored.push({
          fingerprint: alert.fingerprint,
          reason: slug ? `no service ${slug}` : `no ${rules.serviceLabel} label`,
        });
        continue;
      }
      const entry = touched.get(service.id) ?? { service, resolved: [] };
      touched.set(service.id, entry);
      const stored = await findAlertState(trx, alert.fingerprint);
      if (!alertSupersedes(stored, alert)) continue;
      if (alert.status === 'resolved') entry.resolved.push(alertMessage(alert));
      await saveAlertState(trx, {
        fingerprint: alert.fingerprint,
        serviceId: service.id,
        groupKey: payload.groupKey,
        status: alert.status,
        state: alertState(alert, rules),
        startsAt: alert.startsAt,
        endsAt: alert.endsAt,
        message: alertMessage(alert),
        updatedAt: ctx.clock.now(),
      });
    }
    for (const { service, resolved } of touched.values()) {
      const automation = await findAutomation(trx, service.id);
      const firing = summarizeFiring(await firingAlertsOfService(trx, service.id));
      let desired: { state: 'up' | 'warning' | 'down'; message: string } | undefined = firing;
      if (!firing) {
        // Nothing fires: recover, unless Alertmanager never set this service's status.
        if (automation.alertsState === null) {
          result.services.push({ service: service.slug, state: 'up', outcome: 'unchanged' });
          continue;
        }
        desired = {
          state: 'up',
          message: resolved.length > 0 ? `Resolved: ${[...new Set(resolved)].join('; ')}` : 'All alerts resolved',
        };
      }
      const remembered = firing ? firing.message : null;
      if (desired!.state === (automation.alertsState ?? 'up') && remembered === automation.alertsMessage) {
        result.services.push({ service: service.slug, state: desired!.state, outcome: 'unchanged' });
        continue;
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
        await updateAutomation(trx, service.id, {
          alerts_state: firing ? firing.state : null,
          alerts_message: remembered,
        });
      }
      result.services.push({ service: service.slug, state: desired!.state, outcome: posted.outcome });
    }
    return result;
  });
}
