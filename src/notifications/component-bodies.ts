import type { ComponentNotice } from '../domain/notices.ts';
import type { NoticeLinks } from './webhook-body.ts';

/**
 * Statuspage's webhook body for a component status change (§11): `{"meta","page",
 * "component_update","component"}`. Built only from the frozen notice: every attempt sends the same bytes.
 */
export function statuspageComponentBody(notice: ComponentNotice, links: NoticeLinks, pageId: string): string {
  const at = new Date(notice.at).toISOString();
  return JSON.stringify({
    meta: { unsubscribe: `${links.baseUrl}/subscribe`, documentation: `${links.baseUrl}/documentation#webhooks` },
    page: { id: pageId, status_indicator: notice.page.indicator, status_description: notice.page.description },
    component_update: {
      created_at: at,
      new_status: notice.newStatus,
      old_status: notice.oldStatus,
      id: notice.id,
      component_id: notice.component.id,
    },
    component: {
      created_at: new Date(notice.component.createdAt).toISOString(),
      id: notice.component.id,
      name: notice.component.name,
      status: notice.newStatus,
    },
  });
}
