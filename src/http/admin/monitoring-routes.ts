import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Actor, Context } from '../../services/context.ts';
import { getService } from '../../services/services.ts';
import { listStatuses } from '../../services/statuses.ts';
import { getSiteSettings } from '../../services/site-settings.ts';
import { getPush, regeneratePushSecret, removePushSecret } from '../../services/push.ts';
import { confirmRecovery, getAutomation, updateAutomationSettings } from '../../services/automation-settings.ts';
import { deleteCheck, getCheck, listChecks, saveCheck, type CheckInput } from '../../services/checks.ts';
import { listRecoveryHolds } from '../../services/recovery-holds.ts';
import { html } from '../../views/html.ts';
import { EMPTY_FORM, type FormState } from '../../views/admin/forms.ts';
import { confirmPage } from '../../views/admin/confirm.ts';
import { editCheckPage, monitoringPage, monitoringPath, type MonitoringForm } from '../../views/admin/monitoring.ts';
import { formFromError, formValues } from './form-input.ts';
import { chrome, redirectAfterPost, sendPage } from './respond.ts';

type SlugParams = { Params: { slug: string } };
type CheckParams = { Params: { slug: string; name: string } };

const AUTOMATION_FIELDS = [
  'recovery_needs_human',
  'min_change_interval',
  'heartbeat_period',
  'heartbeat_state',
  'status_up',
  'status_warning',
  'status_down',
];
const CHECK_FIELDS = [
  'name',
  'kind',
  'target',
  'expected_statuses',
  'keyword',
  'keyword_absent',
  'latency_warning',
  'interval',
  'timeout',
  'failure_threshold',
  'enabled',
];

function actorOf(request: FastifyRequest): Actor {
  return request.adminSession!.actor;
}

/** A form's values with its checkboxes as 'true' or 'false' (an unticked box sends nothing, which the use cases read as "unchanged"). */
function withFlags(values: Record<string, string>, flags: string[]): Record<string, string> {
  const out = { ...values };
  for (const flag of flags) out[flag] = values[flag] === 'true' ? 'true' : 'false';
  return out;
}

function checkInput(values: Record<string, string>): CheckInput {
  return {
    name: values.name,
    kind: values.kind,
    target: values.target,
    expectedStatuses: values.expected_statuses,
    keyword: values.keyword,
    keywordAbsent: values.keyword_absent,
    latencyWarningMs: values.latency_warning,
    interval: values.interval,
    timeout: values.timeout,
    failureThreshold: values.failure_threshold,
    enabled: values.enabled,
  };
}

/**
 * `/admin/services/{slug}/monitoring`: a service's push URL, automation settings and checks
 * (admins only: the default access), and confirming a held recovery (editors too).
 */
export async function monitoringRoutes(app: FastifyInstance, options: { ctx: Context }): Promise<void> {
  const { ctx } = options;

  async function showMonitoring(
    request: FastifyRequest<SlugParams>,
    reply: FastifyReply,
    failed: MonitoringForm = undefined,
    newPushSecret?: string,
  ) {
    const actor = actorOf(request);
    const service = await getService(ctx, request.params.slug);
    const [push, automation, checks, statuses, site] = await Promise.all([
      getPush(ctx, actor, service.slug),
      getAutomation(ctx, actor, service.slug),
      listChecks(ctx, actor, service.slug),
      listStatuses(ctx),
      getSiteSettings(ctx),
    ]);
    return sendPage(
      reply,
      monitoringPage(
        chrome(request, reply),
        {
          service,
          origin: `${request.protocol}://${request.host}`,
          push: { ...push, secret: newPushSecret },
          automation,
          checks,
          statuses,
          timeZone: site.timeZone,
        },
        failed,
      ),
      failed ? 400 : 200,
    );
  }

  app.get<SlugParams>('/services/:slug/monitoring', (request, reply) => showMonitoring(request, reply));

  // ---- push URL
  app.get<SlugParams>('/services/:slug/monitoring/push/regenerate', async (request, reply) => {
    const service = await getService(ctx, request.params.slug);
    const base = monitoringPath(service);
    return sendPage(
      reply,
      confirmPage(
        chrome(request, reply),
        `Regenerate the push URL of ${service.name}?`,
        `${base}/push/regenerate`,
        html`<p>A new push URL replaces the current one. <strong>The current URL stops working at once</strong>: every script and cron job
        using it is refused until it is given the new one (and, with a heartbeat on, the service goes to its heartbeat status when they stay silent).</p>`,
        'Regenerate the push URL',
        `${base}#push`,
      ),
    );
  });

  app.post<SlugParams>('/services/:slug/monitoring/push/regenerate', async (request, reply) => {
    const service = await getService(ctx, request.params.slug);
    const { secret } = await regeneratePushSecret(ctx, actorOf(request), service.slug);
    // Answered directly, not redirected: the new URL is shown in this answer only.
    return showMonitoring(request, reply, undefined, secret);
  });

  app.get<SlugParams>('/services/:slug/monitoring/push/remove', async (request, reply) => {
    const service = await getService(ctx, request.params.slug);
    const base = monitoringPath(service);
    return sendPage(
      reply,
      confirmPage(
        chrome(request, reply),
        `Remove the push URL of ${service.name}?`,
        `${base}/push/remove`,
        html`<p>Pushes to the current URL are refused from then on. Turn the heartbeat off too if nothing else will report:
        otherwise the service goes to its heartbeat status when the period passes without a push.</p>`,
        'Remove the push URL',
        `${base}#push`,
      ),
    );
  });

  app.post<SlugParams>('/services/:slug/monitoring/push/remove', async (request, reply) => {
    const service = await getService(ctx, request.params.slug);
    await removePushSecret(ctx, actorOf(request), service.slug);
    return redirectAfterPost(
      request,
      reply,
      `${monitoringPath(service)}#push`,
      `The push URL of ${service.name} is removed.`,
    );
  });

  // ---- automation settings
  app.post<SlugParams>('/services/:slug/monitoring/automation', async (request, reply) => {
    const values = withFlags(formValues(request), ['recovery_needs_human']);
    const actor = actorOf(request);
    const service = await getService(ctx, request.params.slug);
    try {
      const before = await getAutomation(ctx, actor, service.slug);
      const period = before.heartbeatPeriodMs === null ? '0' : String(before.heartbeatPeriodMs / 1000);
      await updateAutomationSettings(ctx, actor, service.slug, {
        recoveryNeedsHuman: values.recovery_needs_human,
        minChangeInterval: values.min_change_interval ?? '',
        // Saving the form unchanged must not restart the heartbeat's count (the use case restarts it whenever a period is given).
        heartbeatPeriod:
          (values.heartbeat_period ?? '').trim() === period ? undefined : (values.heartbeat_period ?? '').trim(),
        heartbeatState: values.heartbeat_state,
        statusUp: values.status_up,
        statusWarning: values.status_warning,
        statusDown: values.status_down,
      });
      return redirectAfterPost(
        request,
        reply,
        `${monitoringPath(service)}#automation`,
        `Automation settings of ${service.name} saved.`,
      );
    } catch (error) {
      return showMonitoring(request, reply, {
        form: 'automation',
        state: formFromError(error, values, AUTOMATION_FIELDS),
      });
    }
  });

  // ---- checks
  app.post<SlugParams>('/services/:slug/monitoring/checks', async (request, reply) => {
    const values = withFlags(formValues(request), ['keyword_absent', 'enabled']);
    const service = await getService(ctx, request.params.slug);
    try {
      const { check } = await saveCheck(ctx, actorOf(request), service.slug, checkInput(values), 'create');
      return redirectAfterPost(
        request,
        reply,
        `${monitoringPath(service)}#checks`,
        `Check ${check.name} created; it runs within its interval.`,
      );
    } catch (error) {
      return showMonitoring(request, reply, {
        form: 'new-check',
        state: formFromError(error, values, CHECK_FIELDS, 'name'),
      });
    }
  });

  async function showCheck(request: FastifyRequest<CheckParams>, reply: FastifyReply, state: FormState, status = 200) {
    const service = await getService(ctx, request.params.slug);
    const [check, site] = await Promise.all([
      getCheck(ctx, actorOf(request), service.slug, request.params.name),
      getSiteSettings(ctx),
    ]);
    return sendPage(reply, editCheckPage(chrome(request, reply), service, check, state, site.timeZone), status);
  }

  app.get<CheckParams>('/services/:slug/monitoring/checks/:name', (request, reply) =>
    showCheck(request, reply, EMPTY_FORM),
  );

  app.post<CheckParams>('/services/:slug/monitoring/checks/:name', async (request, reply) => {
    const values = withFlags(formValues(request), ['keyword_absent', 'enabled']);
    const service = await getService(ctx, request.params.slug);
    try {
      const { check } = await saveCheck(
        ctx,
        actorOf(request),
        service.slug,
        { ...checkInput(values), name: request.params.name },
        'update',
      );
      return redirectAfterPost(request, reply, `${monitoringPath(service)}#checks`, `Check ${check.name} saved.`);
    } catch (error) {
      return showCheck(
        request,
        reply,
        formFromError(
          error,
          values,
          CHECK_FIELDS.filter((f) => f !== 'name'),
        ),
        400,
      );
    }
  });

  app.get<CheckParams>('/services/:slug/monitoring/checks/:name/delete', async (request, reply) => {
    const service = await getService(ctx, request.params.slug);
    const check = await getCheck(ctx, actorOf(request), service.slug, request.params.name);
    const base = monitoringPath(service);
    return sendPage(
      reply,
      confirmPage(
        chrome(request, reply),
        `Delete check ${check.name}?`,
        `${base}/checks/${check.name}/delete`,
        html`<p>The check <strong>${check.name}</strong> (<code>${check.target}</code>) stops running, and its response times are deleted with it.
        The events it posted stay. This cannot be undone.</p>`,
        `Delete check ${check.name}`,
        `${base}#checks`,
      ),
    );
  });

  app.post<CheckParams>('/services/:slug/monitoring/checks/:name/delete', async (request, reply) => {
    const service = await getService(ctx, request.params.slug);
    const check = await deleteCheck(ctx, actorOf(request), service.slug, request.params.name);
    return redirectAfterPost(request, reply, `${monitoringPath(service)}#checks`, `Check ${check.name} deleted.`);
  });

  // ---- confirm a held recovery: people who post events may (the use case refuses automation)
  app.post<SlugParams>('/services/:slug/confirm-recovery', { config: { access: 'editor' } }, async (request, reply) => {
    const values = formValues(request);
    const actor = actorOf(request);
    const service = await getService(ctx, request.params.slug);
    const back =
      values.from === 'monitoring' && request.adminSession!.role === 'admin'
        ? monitoringPath(service)
        : `/admin#svc-${service.slug}-name`;
    // Two people may click at once: only the first confirmation posts.
    if (!(await listRecoveryHolds(ctx, actor)).has(service.slug)) {
      return redirectAfterPost(request, reply, back, `The recovery of ${service.name} was already answered.`);
    }
    await confirmRecovery(ctx, actor, service.slug, {});
    return redirectAfterPost(request, reply, back, `Recovery of ${service.name} confirmed.`);
  });
}
