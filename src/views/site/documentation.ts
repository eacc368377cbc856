import { html, type Html } from '../html.ts';
import { layout, type PageChrome } from './layout.ts';

const ORIGIN = '{origin}';

const LIST = { id: 'core', name: 'Core', description: 'Core services', url: `${ORIGIN}/api/v1/service-lists/core` };
const STATUS = {
  id: 'down',
  name: 'Down',
  description: 'The service is currently down',
  level: 'ERROR',
  image: `${ORIGIN}/images/icons/fugue/cross-circle.svg`,
  default: false,
  url: `${ORIGIN}/api/v1/statuses/down`,
};
const EVENT = {
  sid: '01JD3M3X4Q8K2W9V7T5R6Y1N0B',
  message: 'Elevated error rates',
  timestamp: 'Mon, 28 Jun 2010 22:17:06 GMT',
  informational: false,
  status: STATUS,
  url: `${ORIGIN}/api/v1/services/api/events/01JD3M3X4Q8K2W9V7T5R6Y1N0B`,
};
const SERVICE = {
  id: 'api',
  name: 'API',
  description: 'The REST API',
  url: `${ORIGIN}/api/v1/services/api`,
  list: LIST,
  'current-event': EVENT,
};

/** One documented public endpoint; `example` is a real path (tests request it and compare shapes). */
export interface DocumentedEndpoint {
  id: string;
  path: string;
  summary: string;
  example: string;
  answer: unknown;
  notes?: string;
}

export const DOCUMENTED_ENDPOINTS: DocumentedEndpoint[] = [
  {
    id: 'services',
    path: '/api/v1/services',
    summary: 'Every service with its list and current event, ordered by name.',
    example: '/api/v1/services',
    answer: { services: [SERVICE] },
  },
  {
    id: 'service',
    path: '/api/v1/services/{service}',
    summary: 'One service. `list` and `current-event` are null when absent.',
    example: '/api/v1/services/api',
    answer: SERVICE,
  },
  {
    id: 'events',
    path: '/api/v1/services/{service}/events',
    summary: "The service's events, newest first, one page at a time.",
    example: '/api/v1/services/api/events?start=2010-06-01&end=2010-06-30',
    answer: { events: [EVENT] },
    notes:
      '`start` and `end` are optional and inclusive: 2010-06-10, RFC 1123 or ISO 8601 (no offset means UTC). A date without a time means the whole day. An unparseable date is a 400. A page holds the newest 100 events (`limit`, at most 1000); when there are more, the `Link: <...>; rel="next"` header and the `next` field give the URL of the next page (`before=<sid>`).',
  },
  {
    id: 'current',
    path: '/api/v1/services/{service}/events/current',
    summary: 'The newest event; 404 when the service has none.',
    example: '/api/v1/services/api/events/current',
    answer: EVENT,
  },
  {
    id: 'event',
    path: '/api/v1/services/{service}/events/{sid}',
    summary: 'One event; 404 when the sid is unknown or belongs to another service.',
    example: '/api/v1/services/api/events/{sid}',
    answer: EVENT,
  },
  {
    id: 'lists',
    path: '/api/v1/service-lists',
    summary: 'Every service list, ordered by name.',
    example: '/api/v1/service-lists',
    answer: { lists: [LIST] },
  },
  {
    id: 'list',
    path: '/api/v1/service-lists/{list}',
    summary: 'One service list.',
    example: '/api/v1/service-lists/core',
    answer: LIST,
  },
  {
    id: 'statuses',
    path: '/api/v1/statuses',
    summary: 'Every status with its level (NORMAL, WARNING, ERROR or CRITICAL) and image.',
    example: '/api/v1/statuses',
    answer: { statuses: [STATUS] },
  },
  {
    id: 'status',
    path: '/api/v1/statuses/{status}',
    summary: 'One status.',
    example: '/api/v1/statuses/down',
    answer: STATUS,
  },
  {
    id: 'images',
    path: '/api/v1/status-images',
    summary: 'The images a status may use.',
    example: '/api/v1/status-images',
    answer: {
      images: [{ name: 'cross-circle', icon_set: 'fugue', url: `${ORIGIN}/images/icons/fugue/cross-circle.svg` }],
    },
  },
  {
    id: 'levels',
    path: '/api/v1/levels',
    summary: 'The status levels, least severe first.',
    example: '/api/v1/levels',
    answer: { levels: ['NORMAL', 'WARNING', 'ERROR', 'CRITICAL'] },
  },
];

function code(text: string): Html {
  return html`<pre tabindex="0"><code>${text}</code></pre>`;
}

function endpoint(e: DocumentedEndpoint, origin: string): Html {
  const json = JSON.stringify(e.answer, null, 2).replaceAll(ORIGIN, origin);
  return html`<section class="card doc" id="${e.id}" aria-labelledby="h-${e.id}">
<h3 id="h-${e.id}"><span class="verb">GET</span> <code>${e.path}</code></h3>
<p>${e.summary}</p>
${e.notes ? html`<p>${e.notes}</p>` : ''}
${code(`curl ${origin}${e.example}`)}
<details><summary>Example answer</summary>${code(json)}</details>
</section>`;
}

export function documentationPage(chrome: PageChrome, origin: string): Html {
  const snippet = `<script src="${origin}/widget.js" async></script>`;
  const body = html`<h1 class="page-title">API and embedding</h1>
<div class="card prose">
<p>Everything on this page is public: no key is needed. The API is the Stashboard v1 REST API, so clients written for Stashboard work unchanged.</p>
<ul>
<li>Answers are JSON (<code>application/json</code>); every <code>url</code> is absolute.</li>
<li>Any origin may call the API from a browser (<code>Access-Control-Allow-Origin: *</code>).</li>
<li>JSONP: add <code>?callback=name</code> to a GET (a JavaScript identifier path of at most 64 characters).</li>
<li>Errors look like <code>{"error": true, "code": 404, "message": "Service foo does not exist"}</code> with the same HTTP status.</li>
<li>Answers carry an <code>ETag</code>; send it back in <code>If-None-Match</code> to get a cheap <code>304 Not Modified</code>. Answers are never stale after a change.</li>
<li>Timestamps are RFC 1123 in GMT, e.g. <code>Mon, 28 Jun 2010 22:17:06 GMT</code>.</li>
</ul>
</div>
<h2>Resources</h2>
${DOCUMENTED_ENDPOINTS.map((e) => endpoint(e, origin))}
<h2 id="statuspage">Statuspage v2 JSON and uptime</h2>
<section class="card prose">
<p>
Tools written for Atlassian Statuspage's public API (aggregators, chat bots, dashboards, widgets) work against
this page unchanged: <code>/api/v2/summary.json</code>, <code>status.json</code>, <code>components.json</code>,
<code>incidents.json</code>, <code>incidents/unresolved.json</code>, <code>scheduled-maintenances.json</code>,
<code>scheduled-maintenances/upcoming.json</code> and <code>scheduled-maintenances/active.json</code>, with
Statuspage's exact shapes. Services are components, service lists with services are component groups; ids are 12
characters and never change; times are UTC with milliseconds. <code>status.json?services=api,web</code>
gives the status of some services only. CORS, ETags and JSONP work as above.
</p>
${code(`curl ${origin}/api/v2/status.json

{"page": {"id": "x7k2m9q4w1zt", "name": "Acme status", "url": "${origin}", "time_zone": "UTC", "updated_at": "2026-03-05T10:42:07.318Z"},
 "status": {"indicator": "minor", "description": "Minor Service Outage"}}`)}
<p>
<code>/api/v2/uptime.json?days=90</code> (1 to 366 days) gives each service's uptime per day in the site's time
zone, and over the last 30 and 90 days: downtime is major-outage time plus 30&nbsp;% of partial-outage time, as
Statuspage counts it; degraded performance and maintenance are not downtime, and days before a service's first
event are not counted. The <a href="/uptime">uptime page</a> shows the same.
</p>
</section>
<h2 id="openapi">OpenAPI</h2>
<section class="card prose">
<p>
<a href="/api/openapi.json">/api/openapi.json</a> is an OpenAPI 3.1 document of <code>/api/v1</code>,
<code>/api/v2</code> and <code>/admin/api/v1</code>, made from the routes and schemas the server validates with.
</p>
</section>
<h2 id="webhooks">Webhooks</h2>
<section class="card prose">
<p>
The administrators of this page may send its news to webhooks. A webhook in Statuspage's format receives
<code>{"meta", "page", "incident"}</code> for every incident or maintenance update and
<code>{"meta", "page", "component_update", "component"}</code> when a service's status changes
(<code>old_status</code> and <code>new_status</code> are <code>operational</code>, <code>degraded_performance</code>,
<code>partial_outage</code>, <code>major_outage</code> or <code>under_maintenance</code>). Answer with any
<code>2xx</code>; anything else is retried. To stop receiving them, ask the administrators of this page, or
<a href="/subscribe">subscribe by email</a> instead.
</p>
</section>
<h2 id="live">Live updates</h2>
<section class="card prose">
<p><code>GET /api/v1/live</code> is a <a href="https://html.spec.whatwg.org/multipage/server-sent-events.html">Server-Sent Events</a> stream. Add <code>?services=api,web</code> to follow only those services. Every message is a <code>change</code> event whose data is JSON; the first one (<code>"topic": "hello"</code>) describes the current state. A comment line arrives every 15 seconds to keep connections open.</p>
${code(`curl -N ${origin}/api/v1/live?services=api

event: change
data: {"topic":"hello","overall":{"level":"NORMAL","status":"Up","message":null,"affected":0,"total":3}}

event: change
data: {"topic":"event","action":"created","service":"api","sid":"01JD3M3X4Q8K2W9V7T5R6Y1N0B","overall":{"level":"ERROR","status":"Down","message":"Elevated error rates","affected":1,"total":3}}`)}
<p>From a browser: <code>new EventSource('${origin}/api/v1/live').addEventListener('change', (e) =&gt; console.log(JSON.parse(e.data)))</code>.</p>
</section>
<h2 id="widget">Status widget</h2>
<section class="card prose">
<p>Paste this line into any page to show a small badge in its corner with the current overall status, kept up to date. It draws inside a shadow root, so it cannot change your page's styles and your styles cannot break it. Add <code>data-services="api,web"</code> to follow only some services, and <code>data-position="bottom-left"</code> to move it.</p>
${code(snippet)}
</section>
<h2 id="badges">Badges</h2>
<section class="card prose">
<p>SVG badges for READMEs and dashboards: <code>${origin}/badge.svg</code> shows the overall status, <code>${origin}/services/{service}/badge.svg</code> one service's.</p>
${code(`![status](${origin}/badge.svg)`)}
<p><img src="/badge.svg" alt="The current overall status as a badge" height="20"></p>
</section>
<h2 id="feeds">Feeds</h2>
<section class="card prose">
<p><code>${origin}/rss</code> is an RSS 2.0 feed of the newest 50 events; <code>/rss?services=api,web</code> limits it to some services.</p>
</section>
<h2 id="writing">Posting events</h2>
<section class="card prose">
<p>Writes go to <code>/admin/api/v1</code> with an API token created by an administrator. A token with the <code>events</code> scope may only post and read events, which is what a monitoring script needs:</p>
${code(`curl -X POST ${origin}/admin/api/v1/services/api/events \\
  -H "Authorization: Bearer $STASHBOARD_TOKEN" \\
  -d status=down -d message="Elevated error rates"`)}
</section>`;
  return layout(chrome, {
    title: 'API and embedding',
    description: 'The public API, live stream, widget and badges',
    body,
  });
}
