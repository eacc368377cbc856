import { Invalid } from './errors.ts';
import type { Level } from './levels.ts';

/**
 * What a status means in Statuspage's vocabulary (contract §7.3). The level keeps its v1
 * meaning (ordering, escalation); v2, the page status, impact and uptime read this.
 */
export const COMPONENT_STATUSES = ['operational', 'degraded_performance', 'partial_outage', 'major_outage'] as const;
export type ComponentStatus = (typeof COMPONENT_STATUSES)[number];

/** What v2 shows for a component: a status's component status, or the maintenance overlay. */
export type V2ComponentStatus = ComponentStatus | 'under_maintenance';

/** Severity order for "worst of" (contract §2): maintenance sits between operational and degraded. */
export const V2_COMPONENT_STATUS_ORDER: readonly V2ComponentStatus[] = [
  'operational',
  'under_maintenance',
  'degraded_performance',
  'partial_outage',
  'major_outage',
];

/** Human labels, e.g. for tooltips and the admin site. */
export const COMPONENT_STATUS_LABELS: Readonly<Record<V2ComponentStatus, string>> = {
  operational: 'Operational',
  under_maintenance: 'Under maintenance',
  degraded_performance: 'Degraded performance',
  partial_outage: 'Partial outage',
  major_outage: 'Major outage',
};

export function isComponentStatus(value: unknown): value is ComponentStatus {
  return typeof value === 'string' && (COMPONENT_STATUSES as readonly string[]).includes(value);
}

/** The default for a level: NORMAL operational, WARNING degraded, ERROR partial, CRITICAL major. */
export function defaultComponentStatus(level: Level): ComponentStatus {
  switch (level) {
    case 'NORMAL':
      return 'operational';
    case 'WARNING':
      return 'degraded_performance';
    case 'ERROR':
      return 'partial_outage';
    case 'CRITICAL':
      return 'major_outage';
  }
}

/** NORMAL ⇔ operational: v1 and v2 agree on whether a service is up. */
export function isAllowedPair(level: Level, componentStatus: ComponentStatus): boolean {
  return (level === 'NORMAL') === (componentStatus === 'operational');
}

/**
 * The component status a status has after a create or an edit: the given one (checked), else
 * on create or a level change the new level's default, else the current one. Throws Invalid
 * naming `component_status` for an unknown value or a pair breaking NORMAL ⇔ operational.
 */
export function resolveComponentStatus(
  given: unknown,
  level: Level,
  current?: { level: Level; componentStatus: ComponentStatus },
): ComponentStatus {
  if (given === undefined) {
    if (current && current.level === level) return current.componentStatus;
    return defaultComponentStatus(level);
  }
  if (!isComponentStatus(given)) {
    throw new Invalid(
      `component_status must be one of ${COMPONENT_STATUSES.join(', ')}, not ${JSON.stringify(given)}`,
      'component_status',
    );
  }
  if (!isAllowedPair(level, given)) {
    throw new Invalid(
      level === 'NORMAL'
        ? `component_status of a NORMAL status must be operational, not ${given}`
        : `component_status operational is only for NORMAL statuses, not ${level}`,
      'component_status',
    );
  }
  return given;
}

export function componentStatusRank(status: V2ComponentStatus): number {
  return V2_COMPONENT_STATUS_ORDER.indexOf(status);
}

/** The worst of several (operational when there are none). */
export function worstComponentStatus(statuses: Iterable<V2ComponentStatus>): V2ComponentStatus {
  let worst: V2ComponentStatus = 'operational';
  for (const s of statuses) if (componentStatusRank(s) > componentStatusRank(worst)) worst = s;
  return worst;
}

/**
 * What v2 shows for a service (contract §2, §9.2): an active maintenance shows
 * `under_maintenance` unless the service is in a partial or major outage.
 */
export function withMaintenance(status: ComponentStatus, inActiveMaintenance: boolean): V2ComponentStatus {
  if (inActiveMaintenance && (status === 'operational' || status === 'degraded_performance'))
    return 'under_maintenance';
  return status;
}
