import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Context } from '../../services/context.ts';
import * as maintenances from '../../services/maintenances.ts';
import { listServices } from '../../services/services.ts';
import { getSiteSettings } from '../../services/site-settings.ts';
import { Conflict, Invalid } from '../../domain/errors.ts';
import { checkIncidentBody, checkIncidentName } from '../../domain/incidents.ts';
import { AUTO_COMPLETE_BODY, AUTO_START_BODY, checkAction, type MaintenanceAction } from '../../domain/maintenance.ts';
import { parseCivilDate, parseClockTime, wallClockOf, zonedInstant } from '../../domain/wall-clock.ts';
import type { FormState } from '../../views/admin/forms.ts';
import {
  MAINTENANCE_FIELDS,
  maintenanceAdminPage,
  maintenanceDeletionText,
  maintenanceListPage,
  scheduleMaintenancePage,
  type AdminMaintenance,
  type MaintenancePageData,
} from '../../views/admin/maintenance.ts';
import { confirmPage } from '../../views/admin/confirm.ts';
import { formValues } from './form-input.ts';
import { chrome, redirectAfterPost, sendPage } from './respond.ts';

type IdParams = { Params: { id: string } };

const HOUR = 3_600_000;
const RECENT_MS = 30 * 86_400_000;
/** A start within the current minute is "now" (the form has minutes, the clock milliseconds). */
const NOW_SLACK_MS = 60_000;
const CANCEL_BODY = 'This scheduled maintenance has been cancelled.';

function chosenServices(request: FastifyRequest): string[] {
  return (request.formEntries ?? []).filter(([key]) => key === 'services').map(([, value]) => value);
}

/** Where a use case's field goes in the form, and its words for people. */
const FORM_FIELD: Record<string, string> = {
  scheduled_for: 'start_date',
  scheduled_until: 'end_date',
  status: 'stage',
  name: 'name',
  body: 'body',
  services: 'services',
};

function forPeople(message: string): string {
  const text = message
    .replace(/^services: /, '')
    .replace(/scheduled_auto_in_progress/g, '"Start by itself"')
    .replace(/status in_progress/g, 'started now')
    .replace(/scheduled_for/g, 'the start')
    .replace(/scheduled_until/g, 'the end')
    .replace(/^name\b/, 'the name')
    .replace(/^body\b/, 'the message');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** A refusal from a use case, next to its field (the form's own checks found every other error first). */
function refusal(error: unknown, values: Record<string, string>): { state: FormState; status: number } {
  const state: FormState = { values, errors: {} };
  if (error instanceof Invalid) {
    const field = error.field ? FORM_FIELD[error.field] : undefined;
    if (field) state.errors[field] = forPeople(error.message);
    else state.formError = forPeople(error.message);
    return { state, status: 400 };
  }
  if (error instanceof Conflict) {
    state.formError = error.message;
    return { state, status: 409 };
  }
  throw error;
}

function checkWith(
  errors: Record<string, string>,
  field: string,
  value: string | undefined,
  rule: (v: unknown) => unknown,
) {
  if ((value ?? '').trim() === '') {
    errors[field] = `${MAINTENANCE_FIELDS[field]} is required`;
    return;
  }
  try {
    rule(value);
  } catch (error) {
    if (error instanceof Invalid) errors[field] = forPeople(error.message);
    else throw error;
  }
}

/** Reads one end of the window (date and time in the site's zone), naming every fault. */
function readInstant(
  values: Record<string, string>,
  which: 'start' | 'end',
  timeZone: string,
  errors: Record<string, string>,
): number | undefined {
  const dateField = `${which}_date`;
  const timeField = `${which}_time`;
  const dateText = (values[dateField] ?? '').trim();
  const timeText = (values[timeField] ?? '').trim();
  const date = dateText === '' ? undefined : parseCivilDate(dateText);
  const clock = timeText === '' ? undefined : parseClockTime(timeText);
  if (dateText === '') errors[dateField] = `${MAINTENANCE_FIELDS[dateField]} is required`;
  else if (!date) errors[dateField] = `${MAINTENANCE_FIELDS[dateField]} must be a date like 2026-03-05`;
  if (timeText === '') errors[timeField] = `${MAINTENANCE_FIELDS[timeField]} is required`;
  else if (!clock) errors[timeField] = `${MAINTENANCE_FIELDS[timeField]} must be a time like 14:30`;
  return date && clock ? zonedInstant(date, clock, timeZone) : undefined;
}

/**
 * Every fault of the schedule and edit forms at once (the use case stops at its first): empty or
 * bad fields, no service, an end not after the start, and on scheduling a window in the past.
 */
function checkForm(
  values: Record<string, string>,
  services: string[],
  timeZone: string,
  now: number,
  creating: boolean,
): { errors: Record<string, string>; from?: number; until?: number } {
  const errors: Record<string, string> = {};
  checkWith(errors, 'name', values.name, checkIncidentName);
  if (services.length === 0) errors.services = 'Choose at least one affected service';
  const from = readInstant(values, 'start', timeZone, errors);
  const until = readInstant(values, 'end', timeZone, errors);
  if (from !== undefined && until !== undefined && until <= from) errors.end_date = 'The end must be after the start';
  if (creating) {
    checkWith(errors, 'body', values.body, checkIncidentBody);
    if (from !== undefined && from < now - NOW_SLACK_MS)
      errors.start_date = 'The start is in the past: choose a later time (the current time starts the work now)';
    if (until !== undefined && until <= now && errors.end_date === undefined)
      errors.end_date = 'The end must be in the future';
  }
  return { errors, from, until };
}

const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());
const onOff = (value: string | undefined) => (value === 'true' ? 'true' : 'false');

/** The admin site's maintenance pages: list, schedule, change, update, start, complete, cancel. */
export async function maintenanceRoutes(app: FastifyInstance, options: { ctx: Context }): Promise<void> {
  const { ctx } = options;
  const editor = { config: { access: 'editor' as const } };

  async function showNew(
    request: FastifyRequest,
    reply: FastifyReply,
    state: FormState,
    chosen: string[],
    status = 200,
  ) {
    const [services, site] = await Promise.all([listServices(ctx), getSiteSettings(ctx)]);
    return sendPage(
      reply,
      scheduleMaintenancePage(chrome(request, reply), { services, state, chosen, timeZone: site.timeZone }),
      status,
    );
  }

  async function showMaintenance(
    request: FastifyRequest,
    reply: FastifyReply,
    id: string,
    extra: Omit<MaintenancePageData, 'services' | 'timeZone'> = {},
    status = 200,
  ) {
    const [view, services, site] = await Promise.all([
      maintenances.getMaintenance(ctx, id),
      listServices(ctx),
      getSiteSettings(ctx),
    ]);
    const m = view.maintenance;
    const start = wallClockOf(m.scheduledFor, site.timeZone);
    const end = wallClockOf(m.scheduledUntil, site.timeZone);
    const defaults = {
      values: {
        name: m.name,
        start_date: start.date,
        start_time: start.time,
        end_date: end.date,
        end_time: end.time,
        auto_start: String(m.autoStart),
        auto_complete: String(m.autoComplete),
      },
      chosen: view.services.map((s) => s.slug),
    };
    return sendPage(
      reply,
      maintenanceAdminPage(chrome(request, reply), view, { services, timeZone: site.timeZone, ...extra }, defaults),
      status,
    );
  }

  app.get('/maintenance', editor, async (request, reply) => {
    const now = ctx.clock.now();
    const [active, upcoming, all, site] = await Promise.all([
      maintenances.listMaintenances(ctx, 'active'),
      maintenances.listMaintenances(ctx, 'upcoming'),
      maintenances.listMaintenances(ctx, 'all', { limit: 200 }),
      getSiteSettings(ctx),
    ]);
    const completed = all
      .filter((v) => v.maintenance.status === 'completed' && (v.maintenance.resolvedAt ?? 0) >= now - RECENT_MS)
      .sort((a, b) => (b.maintenance.resolvedAt ?? 0) - (a.maintenance.resolvedAt ?? 0));
    return sendPage(reply, maintenanceListPage(chrome(request, reply), { active, upcoming, completed }, site.timeZone));
  });

  app.get('/maintenance/new', editor, async (request, reply) => {
    const site = await getSiteSettings(ctx);
    // The next full hour, for an hour: one tap less for the common case.
    const start = Math.ceil((ctx.clock.now() + 1) / HOUR) * HOUR;
    const from = wallClockOf(start, site.timeZone);
    const until = wallClockOf(start + HOUR, site.timeZone);
    const values = {
      start_date: from.date,
      start_time: from.time,
      end_date: until.date,
      end_time: until.time,
      auto_start: 'true',
      auto_complete: 'true',
      notify: 'true',
    };
    return showNew(request, reply, { values, errors: {} }, []);
  });

  app.post('/maintenance', editor, async (request, reply) => {
    const values = formValues(request);
    const services = chosenServices(request);
    const site = await getSiteSettings(ctx);
    const checked = checkForm(values, services, site.timeZone, ctx.clock.now(), true);
    if (Object.keys(checked.errors).length > 0)
      return showNew(request, reply, { values, errors: checked.errors }, services, 400);
    try {
      const result = await maintenances.createMaintenance(ctx, request.adminSession!.actor, {
        name: values.name,
        body: values.body,
        services,
        scheduledFor: iso(checked.from),
        scheduledUntil: iso(checked.until),
        autoStart: onOff(values.auto_start),
        autoComplete: onOff(values.auto_complete),
        deliverNotifications: onOff(values.notify),
      });
      const id = result.view!.maintenance.id;
      return redirectAfterPost(request, reply, `/admin/maintenance/${id}`, 'The maintenance is scheduled.');
    } catch (error) {
      const { state, status } = refusal(error, values);
      return showNew(request, reply, state, services, status);
    }
  });

  app.get<IdParams>('/maintenance/:id', editor, async (request, reply) =>
    showMaintenance(request, reply, request.params.id),
  );

  app.get<IdParams>('/maintenance/:id/delete', editor, async (request, reply) => {
    const view = await maintenances.getMaintenance(ctx, request.params.id);
    const m = view.maintenance;
    return sendPage(
      reply,
      confirmPage(
        chrome(request, reply),
        `Delete ${m.name}?`,
        `/admin/maintenance/${m.id}/delete`,
        maintenanceDeletionText(view),
        `Delete ${m.name}`,
        `/admin/maintenance/${m.id}`,
      ),
    );
  });

  app.post<IdParams>('/maintenance/:id/delete', editor, async (request, reply) => {
    const deleted = await maintenances.deleteMaintenance(ctx, request.adminSession!.actor, request.params.id);
    return redirectAfterPost(request, reply, '/admin/maintenance', `Maintenance ${deleted.maintenance.name} deleted.`);
  });

  app.post<IdParams>('/maintenance/:id/edit', editor, async (request, reply) => {
    const id = request.params.id;
    const values = formValues(request);
    const services = chosenServices(request);
    values.services = services.join(',');
    const site = await getSiteSettings(ctx);
    const checked = checkForm(values, services, site.timeZone, ctx.clock.now(), false);
    if (Object.keys(checked.errors).length > 0)
      return showMaintenance(request, reply, id, { edit: { values, errors: checked.errors } }, 400);
    try {
      await maintenances.editMaintenance(ctx, request.adminSession!.actor, id, {
        name: values.name,
        services,
        scheduledFor: iso(checked.from),
        scheduledUntil: iso(checked.until),
        autoStart: onOff(values.auto_start),
        autoComplete: onOff(values.auto_complete),
      });
      return redirectAfterPost(request, reply, `/admin/maintenance/${id}`, 'The maintenance is changed.');
    } catch (error) {
      const { state, status } = refusal(error, values);
      return showMaintenance(request, reply, id, { edit: state }, status);
    }
  });

  app.post<IdParams>('/maintenance/:id/updates', editor, async (request, reply) => {
    const id = request.params.id;
    const values = formValues(request);
    const errors: Record<string, string> = {};
    checkWith(errors, 'body', values.body, checkIncidentBody);
    if (Object.keys(errors).length > 0) return showMaintenance(request, reply, id, { update: { values, errors } }, 400);
    try {
      await maintenances.postMaintenanceUpdate(ctx, request.adminSession!.actor, id, {
        body: values.body,
        status: values.stage || undefined,
        deliverNotifications: onOff(values.notify),
      });
      return redirectAfterPost(request, reply, `/admin/maintenance/${id}#updates`, 'The update is posted.');
    } catch (error) {
      const { state, status } = refusal(error, values);
      return showMaintenance(request, reply, id, { update: state }, status);
    }
  });

  const ACTIONS: Array<[MaintenanceAction, string, string]> = [
    ['start', AUTO_START_BODY, 'The maintenance is in progress.'],
    ['complete', AUTO_COMPLETE_BODY, 'The maintenance is completed.'],
    ['cancel', CANCEL_BODY, 'The maintenance is cancelled.'],
  ];
  for (const [action, body, done] of ACTIONS) {
    app.post<IdParams>(`/maintenance/:id/${action}`, editor, async (request, reply) => {
      const id = request.params.id;
      try {
        const view: AdminMaintenance = await maintenances.getMaintenance(ctx, id);
        const to = checkAction(view.maintenance.status, action);
        // Notifications go out as the maintenance was scheduled to (its first update).
        const notify = view.updates.at(-1)?.deliverNotifications ?? true;
        await maintenances.postMaintenanceUpdate(ctx, request.adminSession!.actor, id, {
          body,
          status: to,
          deliverNotifications: String(notify),
        });
        return redirectAfterPost(request, reply, `/admin/maintenance/${id}`, done);
      } catch (error) {
        if (!(error instanceof Conflict)) throw error;
        return showMaintenance(request, reply, id, { refusal: error.message }, 409);
      }
    });
  }
}
