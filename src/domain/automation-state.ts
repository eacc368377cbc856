import { Invalid } from './errors.ts';

/** What automation reports about a service; each service maps the three to status slugs. */
export type AutomationState = 'up' | 'warning' | 'down';

export const AUTOMATION_STATES: readonly AutomationState[] = ['up', 'warning', 'down'];

export function isAutomationState(value: unknown): value is AutomationState {
  return typeof value === 'string' && (AUTOMATION_STATES as readonly string[]).includes(value);
}

export function parseAutomationState(field: string, value: string): AutomationState {
  if (!isAutomationState(value))
    throw new Invalid(`${field} must be one of up, warning, down, not ${JSON.stringify(value)}`, field);
  return value;
}

/** The worst of several states; undefined when there are none. */
export function worstState(states: Iterable<AutomationState>): AutomationState | undefined {
  let worst: AutomationState | undefined;
  for (const state of states) {
    if (worst === undefined || AUTOMATION_STATES.indexOf(state) > AUTOMATION_STATES.indexOf(worst)) worst = state;
  }
  return worst;
}
