import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { Context } from '../../../services/context.ts';
import * as maintenances from '../../../services/maintenances.ts';
import { adminMaintenanceJson } from '../../../domain/maintenance-json.ts';
import { adminUpdateJson } from '../../../domain/incident-json.ts';
import {
  adminBase,
  FIELD_TYPES,
  idempotentPost,
  idempotentUpdateEdit,
  limitOf,
  list,
  pageOf,
  parameters,
  writeBody,
} from './incidents.ts';
import { resource, type Call } from './resource.ts';

/** §6.1 JSON types of the maintenance-only fields (the shared ones are typed with incidents). */
const Flag = Type.Union([Type.Boolean(), Type.Literal('true'), Type.Literal('false'), Type.Literal('')]);
const EXTRA_TYPES = {
  scheduled_for: Type.String(),
  scheduled_until: Type.String(),
  scheduled_auto_in_progress: Flag,
  scheduled_auto_completed: Flag,
};

/** The maintenance routes' documented answers and parameters (OpenAPI), from the types the routes check. */
const TYPES = { ...FIELD_TYPES, ...EXTRA_TYPES };
const ref = (id: string) => Type.Ref(id);
const DOCS = {
  maintenance: ref('AdminMaintenance'),
  update: ref('AdminIncidentUpdate'),
  list: Type.Object({ maintenances: Type.Array(ref('AdminMaintenance')) }, { additionalProperties: false }),
  create: writeBody(
    TYPES,
    [
      'name',
      'body',
      'status',
      'services',
      'component_ids',
      'components',
      'impact_override',
      'deliver_notifications',
      'scheduled_for',
      'scheduled_until',
      'scheduled_auto_in_progress',
      'scheduled_auto_completed',
    ],
    'Schedules a maintenance (contract §9): name, body, services, scheduled_for and scheduled_until are required',
  ),
  edit: writeBody(
    TYPES,
    [
      'name',
      'services',
      'component_ids',
      'impact_override',
      'scheduled_for',
      'scheduled_until',
      'scheduled_auto_in_progress',
      'scheduled_auto_completed',
    ],
    'Edits a maintenance: services replace the affected ones; the window moves until completed',
  ),
  postUpdate: writeBody(
    TYPES,
    ['body', 'status', 'services', 'component_ids', 'components', 'display_at', 'deliver_notifications'],
    'Posts an update (a note, or a move in the §9.1 state table): body is required',
  ),
  editUpdate: writeBody(TYPES, ['body', 'display_at'], "Corrects an update's text or display time"),
};

const fieldsOf = (call: Call) => parameters(call.request, EXTRA_TYPES, 'maintenance');

function input(fields: Record<string, unknown>): maintenances.MaintenanceInput {
  return {
    name: fields.name,
    body: fields.body,
    status: fields.status,
    services: list(fields.services),
    componentIds: list(fields.component_ids),
    components: fields.components as Record<string, unknown> | undefined,
    impactOverride: fields.impact_override,
    displayAt: fields.display_at,
    deliverNotifications: fields.deliver_notifications,
    scheduledFor: fields.scheduled_for,
    scheduledUntil: fields.scheduled_until,
    autoStart: fields.scheduled_auto_in_progress,
    autoComplete: fields.scheduled_auto_completed,
  };
}

/** The admin API of scheduled maintenance (§6), on the admin mount only. */
export async function maintenanceApi(app: FastifyInstance, options: { ctx: Context }): Promise<void> {
  const v1 = { mount: 'admin' as const, mountPath: '/admin/api/v1', ctx: options.ctx };
  const render = async (call: Call) => {
    const page = await pageOf(call.ctx, call.request);
    return (v: maintenances.MaintenanceView) => adminMaintenanceJson(v, page, adminBase(call.request));
  };
  const post = async (
    call: Call,
    status: number,
    run: (
      fields: Record<string, unknown>,
      once: maintenances.MaintenanceOnce | undefined,
    ) => Promise<maintenances.MaintenanceAnswer>,
  ) => {
    const fields = fieldsOf(call);
    return idempotentPost<maintenances.MaintenanceView>(call, status, fields, await render(call), (once) =>
      run(fields, once),
    );
  };

  resource(app, v1, '/maintenances', {
    GET: {
      action: 'maintenance.read',
      response: DOCS.list,
      run: async (call) => {
        const views = await maintenances.listMaintenances(call.ctx, 'all', { limit: limitOf(call.request) });
        const json = await render(call);
        return { maintenances: views.map(json) };
      },
    },
    POST: {
      write: true,
      action: 'maintenance.write',
      status: 201,
      response: DOCS.maintenance,
      body: DOCS.create,
      run: (call) =>
        post(call, 201, (fields, once) => maintenances.createMaintenance(call.ctx, call.actor, input(fields), once)),
    },
  });

  resource(app, v1, '/maintenances/:maintenance', {
    GET: {
      action: 'maintenance.read',
      response: DOCS.maintenance,
      run: async (call) => (await render(call))(await maintenances.getMaintenance(call.ctx, call.params.maintenance!)),
    },
    POST: {
      write: true,
      action: 'maintenance.write',
      response: DOCS.maintenance,
      body: DOCS.edit,
      run: (call) =>
        post(call, 200, (fields, once) =>
          maintenances.editMaintenance(call.ctx, call.actor, call.params.maintenance!, input(fields), once),
        ),
    },
    DELETE: {
      write: true,
      action: 'maintenance.write',
      response: DOCS.maintenance,
      run: async (call) =>
        (await render(call))(await maintenances.deleteMaintenance(call.ctx, call.actor, call.params.maintenance!)),
    },
  });

  resource(app, v1, '/maintenances/:maintenance/updates', {
    POST: {
      write: true,
      action: 'maintenance.write',
      status: 201,
      response: DOCS.maintenance,
      body: DOCS.postUpdate,
      run: (call) =>
        post(call, 201, (fields, once) =>
          maintenances.postMaintenanceUpdate(call.ctx, call.actor, call.params.maintenance!, input(fields), once),
        ),
    },
  });

  resource(app, v1, '/maintenances/:maintenance/updates/:update', {
    GET: {
      action: 'maintenance.read',
      response: DOCS.update,
      run: async (call) =>
        adminUpdateJson(
          await maintenances.getMaintenanceUpdate(call.ctx, call.params.maintenance!, call.params.update!),
          adminBase(call.request),
        ),
    },
    POST: {
      write: true,
      action: 'maintenance.write',
      response: DOCS.update,
      body: DOCS.editUpdate,
      run: async (call) => {
        const fields = fieldsOf(call);
        const updateId = call.params.update!;
        return idempotentUpdateEdit<maintenances.MaintenanceView>(call, fields, updateId, (once) =>
          maintenances.editMaintenanceUpdate(
            call.ctx,
            call.actor,
            call.params.maintenance!,
            updateId,
            { body: fields.body, displayAt: fields.display_at },
            once,
          ),
        );
      },
    },
  });
}
