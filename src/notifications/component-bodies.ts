import type { ComponentNotification } from '../domain/notifications.ts';
import type { NotificationLinks } from './webhook-body.ts';
import { statuspageHead } from './statuspage-head.ts';

/**
 * Statuspage's webhook body for a component status change (§11): `{"meta","page",
 * "component_update","component"}`. Built only from the frozen notification: every attempt sends the same bytes.
 */
export function statuspageComponentBody(
  notification: ComponentNotification,
  links: NotificationLinks,
  pageId: string,
): string {
  const at = new Date(notification.at).toISOString();
  return JSON.stringify({
    ...statuspageHead(links, pageId, notification.page),
    component_update: {
      created_at: at,
      new_status: notification.newStatus,
      old_status: notification.oldStatus,
      id: notification.id,
      component_id: notification.component.id,
    },
    component: {
      created_at: new Date(notification.component.createdAt).toISOString(),
      id: notification.component.id,
      name: notification.component.name,
      status: notification.newStatus,
    },
  });
}
