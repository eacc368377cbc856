import { Type, type TSchema } from '@sinclair/typebox';

/**
 * The Statuspage v2 shapes (contract §3, §4, §8) as JSON Schema. The routes validate their
 * query strings with these and declare their answers with them; /api/openapi.json is made
 * from the same objects. Every object is closed (`additionalProperties: false`): clients
 * parse by exact key sets.
 */

const closed = { additionalProperties: false } as const;
const DateTime = Type.String({ format: 'date-time', pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z$' });
const Day = Type.String({ format: 'date', pattern: '^\\d{4}-\\d{2}-\\d{2}$' });
const Id = Type.String({ pattern: '^[a-z0-9]{12}$' });
const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

export const ComponentStatusSchema = Type.Union(
  ['operational', 'under_maintenance', 'degraded_performance', 'partial_outage', 'major_outage'].map((s) =>
    Type.Literal(s),
  ),
  { $id: 'ComponentStatus' },
);

export const PageSchema = Type.Object(
  {
    id: Id,
    name: Type.String(),
    url: Type.String({ description: 'The site URL setting, else the request origin; no trailing slash' }),
    time_zone: Type.String({ description: 'IANA time zone' }),
    updated_at: DateTime,
  },
  { ...closed, $id: 'Page' },
);

const componentProperties = {
  id: Id,
  name: Type.String(),
  status: Type.Ref('ComponentStatus'),
  created_at: DateTime,
  updated_at: DateTime,
  position: Type.Integer({ minimum: 1 }),
  description: Nullable(Type.String()),
  showcase: Type.Boolean(),
  start_date: Nullable(Day),
  group_id: Nullable(Id),
  page_id: Id,
  group: Type.Boolean(),
  only_show_if_degraded: Type.Literal(false),
};

export const ComponentSchema = Type.Union(
  [
    Type.Object({ ...componentProperties, group: Type.Literal(false) }, { ...closed, title: 'Service' }),
    Type.Object(
      { ...componentProperties, group: Type.Literal(true), components: Type.Array(Id) },
      { ...closed, title: 'Group' },
    ),
  ],
  { $id: 'Component' },
);

/** An update's fields (§4.4), open: the v2 and the admin update (§6, with `events`) close it. */
export const IncidentUpdateFieldsSchema = Type.Object(
  {
    id: Id,
    status: Type.String(),
    body: Type.String(),
    incident_id: Id,
    created_at: DateTime,
    updated_at: DateTime,
    display_at: DateTime,
    affected_components: Nullable(
      Type.Array(
        Type.Object(
          {
            code: Id,
            name: Type.String(),
            old_status: Type.Ref('ComponentStatus'),
            new_status: Type.Ref('ComponentStatus'),
          },
          closed,
        ),
      ),
    ),
    deliver_notifications: Type.Boolean(),
    custom_tweet: Type.Null(),
    tweet_id: Type.Null(),
  },
  { $id: 'IncidentUpdateFields' },
);

/** A closed object: the named parts and `own` properties, and nothing else (exact key sets). */
const exactly = (parts: string[], own: Record<string, TSchema>, $id: string, description?: string) =>
  Type.Intersect([...parts.map((p) => Type.Ref(p)), Type.Object(own)], {
    unevaluatedProperties: false,
    $id,
    ...(description ? { description } : {}),
  });

export const IncidentUpdateSchema = exactly(['IncidentUpdateFields'], {}, 'IncidentUpdate');

/** What incidents and maintenances share (§4.3), open: each kind adds its status fields and closes it. */
export const IncidentFieldsSchema = Type.Object(
  {
    id: Id,
    name: Type.String(),
    created_at: DateTime,
    updated_at: DateTime,
    resolved_at: Nullable(DateTime),
    shortlink: Type.String(),
    started_at: DateTime,
    page_id: Id,
    components: Type.Array(Type.Ref('Component')),
    reminder_intervals: Type.Null(),
  },
  { $id: 'IncidentFields' },
);

/** An incident's status, `monitoring_at` and impact (§4.3, §5). */
export const IncidentStateSchema = Type.Object(
  {
    status: Type.Union(
      ['investigating', 'identified', 'monitoring', 'resolved', 'postmortem'].map((s) => Type.Literal(s)),
    ),
    monitoring_at: Nullable(DateTime),
    impact: Type.Union(['none', 'minor', 'major', 'critical'].map((s) => Type.Literal(s))),
  },
  { $id: 'IncidentState' },
);

/** A maintenance's status and window (§4.3, §9). */
export const MaintenanceStateSchema = Type.Object(
  {
    status: Type.Union(['scheduled', 'in_progress', 'verifying', 'completed'].map((s) => Type.Literal(s))),
    monitoring_at: Type.Null(),
    impact: Type.Union(['none', 'minor', 'major', 'critical', 'maintenance'].map((s) => Type.Literal(s))),
    scheduled_for: DateTime,
    scheduled_until: DateTime,
  },
  { $id: 'MaintenanceState' },
);

export const IncidentSchema = exactly(
  ['IncidentFields', 'IncidentState'],
  { incident_updates: Type.Array(Type.Ref('IncidentUpdate')) },
  'Incident',
);

export const MaintenanceSchema = exactly(
  ['IncidentFields', 'MaintenanceState'],
  { incident_updates: Type.Array(Type.Ref('IncidentUpdate')) },
  'ScheduledMaintenance',
);

/** The admin API's update (§6): the v2 update and the events it posted. */
export const AdminIncidentUpdateSchema = exactly(
  ['IncidentUpdateFields'],
  {
    events: Type.Array(Type.Object({ service: Type.String(), sid: Type.String(), url: Type.String() }, closed), {
      description: 'The events this update posted (admin URLs)',
    }),
  },
  'AdminIncidentUpdate',
);

/** What the admin JSON adds to both kinds (§6). */
export const AdminFieldsSchema = Type.Object(
  {
    impact_override: Nullable(Type.Union(['none', 'minor', 'major', 'critical'].map((s) => Type.Literal(s)))),
    services: Type.Array(Type.String(), { description: 'Slugs of the affected services, display order' }),
    url: Type.String({ description: 'This admin URL' }),
    html_url: Type.String({ description: 'The public page' }),
    incident_updates: Type.Array(Type.Ref('AdminIncidentUpdate')),
  },
  { $id: 'AdminFields' },
);

export const AdminIncidentSchema = exactly(
  ['IncidentFields', 'IncidentState', 'AdminFields'],
  {
    backfilled: Type.Boolean(),
    postmortem_body: Nullable(Type.String()),
    postmortem_published_at: Nullable(DateTime),
  },
  'AdminIncident',
  'An incident as the admin API shows it: the v2 incident and the admin fields',
);

export const AdminMaintenanceSchema = exactly(
  ['IncidentFields', 'MaintenanceState', 'AdminFields'],
  { scheduled_auto_in_progress: Type.Boolean(), scheduled_auto_completed: Type.Boolean() },
  'AdminMaintenance',
  'A maintenance as the admin API shows it: the v2 maintenance and the admin fields',
);

export const PageStatusSchema = Type.Object(
  {
    indicator: Type.Union(['none', 'minor', 'major', 'critical', 'maintenance'].map((s) => Type.Literal(s))),
    description: Type.String(),
  },
  { ...closed, $id: 'PageStatus' },
);

const Uptime = Nullable(Type.Number({ minimum: 0, maximum: 100 }));
const Seconds = Type.Integer({ minimum: 0 });

export const UptimeSchema = Type.Object(
  {
    start_date: Day,
    end_date: Day,
    uptime_30d: Uptime,
    uptime_90d: Uptime,
    components: Type.Array(
      Type.Object(
        {
          id: Id,
          name: Type.String(),
          start_date: Nullable(Day),
          uptime_30d: Uptime,
          uptime_90d: Uptime,
          days: Type.Array(
            Type.Object(
              {
                date: Day,
                counted_seconds: Seconds,
                major_outage_seconds: Seconds,
                partial_outage_seconds: Seconds,
                degraded_performance_seconds: Seconds,
                uptime: Uptime,
              },
              closed,
            ),
          ),
        },
        closed,
      ),
    ),
  },
  { ...closed, $id: 'Uptime' },
);

/** Shared definitions, referenced by `$ref` from the answers. */
export const V2_SHARED_SCHEMAS = [
  ComponentStatusSchema,
  PageSchema,
  ComponentSchema,
  IncidentUpdateFieldsSchema,
  IncidentUpdateSchema,
  IncidentFieldsSchema,
  IncidentStateSchema,
  MaintenanceStateSchema,
  IncidentSchema,
  MaintenanceSchema,
  PageStatusSchema,
  UptimeSchema,
];

/** The admin API's incident and maintenance shapes (§6), built on the v2 ones. */
export const ADMIN_INCIDENT_SCHEMAS = [
  AdminIncidentUpdateSchema,
  AdminFieldsSchema,
  AdminIncidentSchema,
  AdminMaintenanceSchema,
];

const ref = (id: string) => Type.Ref(id);
const answer = (properties: Record<string, TSchema>, title: string) =>
  Type.Object({ page: ref('Page'), ...properties }, { ...closed, title });

export const ErrorSchema = Type.Object(
  { error: Type.Literal(true), code: Type.Integer(), message: Type.String() },
  { ...closed, $id: 'Error' },
);

export interface V2Endpoint {
  path: string;
  summary: string;
  response: TSchema;
  query: TSchema;
}

const Callback = Type.String({ description: 'JSONP: wrap the answer in a call to this function' });
const baseQuery = { callback: Type.Optional(Callback) };

export const V2_ENDPOINTS: V2Endpoint[] = [
  {
    path: '/summary.json',
    summary: 'Components, unresolved incidents, open maintenances and the page status',
    query: Type.Object(baseQuery),
    response: answer(
      {
        components: Type.Array(ref('Component')),
        incidents: Type.Array(ref('Incident')),
        scheduled_maintenances: Type.Array(ref('ScheduledMaintenance')),
        status: ref('PageStatus'),
      },
      'Summary',
    ),
  },
  {
    path: '/status.json',
    summary: 'The page status (optionally over some services only)',
    query: Type.Object({
      ...baseQuery,
      services: Type.Optional(
        Type.Union([Type.String(), Type.Array(Type.String())], {
          description: 'Service slugs, comma-separated or repeated; an unknown slug is 400',
        }),
      ),
    }),
    response: answer({ status: ref('PageStatus') }, 'Status'),
  },
  {
    path: '/components.json',
    summary: 'Every component in display order',
    query: Type.Object(baseQuery),
    response: answer({ components: Type.Array(ref('Component')) }, 'Components'),
  },
  {
    path: '/incidents.json',
    summary: 'The 50 newest incidents',
    query: Type.Object(baseQuery),
    response: answer({ incidents: Type.Array(ref('Incident')) }, 'Incidents'),
  },
  {
    path: '/incidents/unresolved.json',
    summary: 'Incidents investigating, identified or monitoring',
    query: Type.Object(baseQuery),
    response: answer({ incidents: Type.Array(ref('Incident')) }, 'UnresolvedIncidents'),
  },
  {
    path: '/scheduled-maintenances.json',
    summary: 'The 50 newest scheduled maintenances',
    query: Type.Object(baseQuery),
    response: answer({ scheduled_maintenances: Type.Array(ref('ScheduledMaintenance')) }, 'Maintenances'),
  },
  {
    path: '/scheduled-maintenances/upcoming.json',
    summary: 'Scheduled maintenances not yet started',
    query: Type.Object(baseQuery),
    response: answer({ scheduled_maintenances: Type.Array(ref('ScheduledMaintenance')) }, 'UpcomingMaintenances'),
  },
  {
    path: '/scheduled-maintenances/active.json',
    summary: 'Maintenances in progress or verifying',
    query: Type.Object(baseQuery),
    response: answer({ scheduled_maintenances: Type.Array(ref('ScheduledMaintenance')) }, 'ActiveMaintenances'),
  },
  {
    path: '/uptime.json',
    summary: 'Uptime per component and day (extension; weights as Statuspage: major outage 100 %, partial 30 %)',
    query: Type.Object({
      ...baseQuery,
      days: Type.Optional(
        Type.Integer({ minimum: 1, maximum: 366, description: "Number of days; default the site's history days" }),
      ),
    }),
    response: answer({ uptime: ref('Uptime') }, 'UptimeAnswer'),
  },
];
