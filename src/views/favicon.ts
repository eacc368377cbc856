/** The favicon of each overall state: colour and shape, so it reads in a tab at 16 px. */
const MARKS: Record<string, { fill: string; stroke: string; mark: string; title: string }> = {
  l0: {
    fill: '#2e9e44',
    stroke: '#1c6b2c',
    mark: '<path d="M4.9 8.2 7.1 10.3 11.2 5.8" fill="none" stroke="#fff" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round"/>',
    title: 'Operational',
  },
  l1: {
    fill: '#e5a400',
    stroke: '#8a6200',
    mark: '<path d="M8 4.3v4.4" stroke="#1b1f24" stroke-width="1.9" stroke-linecap="round"/><circle cx="8" cy="11.4" r="1.1" fill="#1b1f24"/>',
    title: 'Degraded performance',
  },
  l2: {
    fill: '#ea6a1b',
    stroke: '#9a420c',
    mark: '<path d="M8 4.3v4.4" stroke="#fff" stroke-width="1.9" stroke-linecap="round"/><circle cx="8" cy="11.4" r="1.1" fill="#fff"/>',
    title: 'Partial outage',
  },
  l3: {
    fill: '#d7372b',
    stroke: '#8f1f17',
    mark: '<path d="M5.4 5.4l5.2 5.2M10.6 5.4l-5.2 5.2" stroke="#fff" stroke-width="1.9" stroke-linecap="round"/>',
    title: 'Major outage',
  },
  lm: {
    fill: '#2563eb',
    stroke: '#1741a6',
    mark: '<path d="M8 4.5v3.8l2.4 1.6" fill="none" stroke="#fff" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round"/>',
    title: 'Maintenance',
  },
  ln: {
    fill: '#9aa3ae',
    stroke: '#6b7480',
    mark: '<path d="M5 8h6" stroke="#fff" stroke-width="1.9" stroke-linecap="round"/>',
    title: 'No data',
  },
};

export const FAVICON_STATES: readonly string[] = Object.keys(MARKS);

export function faviconSvg(state: string): string | undefined {
  const m = MARKS[state];
  if (!m) return undefined;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 16 16" role="img"><title>${m.title}</title><circle cx="8" cy="8" r="6.5" fill="${m.fill}" stroke="${m.stroke}"/>${m.mark}</svg>`;
}
