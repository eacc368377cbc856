import type { FastifyRequest } from 'fastify';
import type { Service, ServiceList, Status, StatusEvent } from '../../../domain/resources.ts';
import { formatRfc1123 } from '../../../domain/dates.ts';
import { ICON_SET, STATUS_IMAGE_NAMES, statusImagePath } from '../../../domain/status-images.ts';

/** Turns resources into the v1 JSON shapes; `url`s are absolute and name the serving mount. */
export class V1Serializer {
  readonly origin: string;
  readonly mount: string;
  readonly showAuthor: boolean;

  constructor(request: FastifyRequest, mount: string, showAuthor: boolean) {
    this.origin = `${request.protocol}://${request.host}`;
    this.mount = mount;
    this.showAuthor = showAuthor;
  }

  url(path: string): string {
    return `${this.origin}${this.mount}${path}`;
  }

  imageUrl(name: string): string {
    return `${this.origin}${statusImagePath(name)}`;
  }

  list(list: ServiceList) {
    return {
      id: list.slug,
      name: list.name,
      description: list.description,
      url: this.url(`/service-lists/${list.slug}`),
    };
  }

  status(status: Status) {
    return {
      id: status.slug,
      name: status.name,
      description: status.description,
      level: status.level,
      image: this.imageUrl(status.image),
      default: status.isDefault,
      url: this.url(`/statuses/${status.slug}`),
      // Admin mount only, like `author` (contract §7.3).
      ...(this.showAuthor ? { component_status: status.componentStatus } : {}),
    };
  }

  event(event: StatusEvent) {
    return {
      sid: event.sid,
      message: event.message,
      timestamp: formatRfc1123(event.timestamp),
      informational: event.informational,
      status: this.status(event.status),
      url: this.url(`/services/${event.serviceSlug}/events/${event.sid}`),
      ...(this.showAuthor
        ? {
            author: event.author,
            incident: event.incident
              ? {
                  id: event.incident.id,
                  name: event.incident.name,
                  kind: event.incident.kind,
                  url: `${this.origin}/admin/api/v1/${event.incident.kind === 'maintenance' ? 'maintenances' : 'incidents'}/${event.incident.id}`,
                }
              : null,
          }
        : {}),
    };
  }

  service(service: Service) {
    return {
      id: service.slug,
      name: service.name,
      description: service.description,
      url: this.url(`/services/${service.slug}`),
      list: service.list && this.list(service.list),
      'current-event': service.currentEvent && this.event(service.currentEvent),
    };
  }

  images() {
    return STATUS_IMAGE_NAMES.map((name) => ({ name, icon_set: ICON_SET, url: this.imageUrl(name) }));
  }
}
