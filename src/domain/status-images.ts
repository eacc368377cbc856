/** The status image set the project draws itself (assets/icons/<set>/<name>.svg). */
export const ICON_SET = 'fugue';

export const STATUS_IMAGE_NAMES = [
  'arrow-circle',
  'broom',
  'bug',
  'calendar',
  'clock',
  'cross-circle',
  'exclamation',
  'flag',
  'hard-hat',
  'heart',
  'information',
  'information-small',
  'information-white',
  'lock',
  'minus-circle',
  'plug',
  'plus-circle',
  'question',
  'question-white',
  'tick-circle',
  'traffic-cone',
  'wrench',
] as const;

export function isStatusImageName(name: string): boolean {
  return (STATUS_IMAGE_NAMES as readonly string[]).includes(name);
}

/** Path (below the site root) at which an image is served. */
export function statusImagePath(name: string): string {
  return `/images/icons/${ICON_SET}/${name}.svg`;
}
