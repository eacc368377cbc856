import { escapeText as x } from './escape.ts';
import type { Level } from '../domain/levels.ts';

// Colours chosen for at least 4.5:1 contrast with white text.
const COLOURS: Record<Level | 'NONE', string> = {
  NORMAL: '#1a7f4b',
  WARNING: '#8a5a00',
  ERROR: '#c2410c',
  CRITICAL: '#b91c1c',
  NONE: '#5b6472',
};

/** Approximate width of 11px Verdana-like text: enough for layout without font metrics. */
function textWidth(text: string): number {
  let w = 0;
  for (const ch of text) w += /[A-Z]/.test(ch) ? 7.5 : /[mw]/.test(ch) ? 9 : /[ilj.,:;|!' ]/.test(ch) ? 3.5 : 6.3;
  return Math.ceil(w);
}

/** A flat status badge (label | value), readable without colour: the value is text. */
export function renderBadge(label: string, value: string, level: Level | null): string {
  const lw = textWidth(label) + 12;
  const vw = textWidth(value) + 12;
  const width = lw + vw;
  const colour = COLOURS[level ?? 'NONE'];
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="20" role="img" aria-label="${x(`${label}: ${value}`)}">
<title>${x(`${label}: ${value}`)}</title>
<clipPath id="r"><rect width="${width}" height="20" rx="3"/></clipPath>
<g clip-path="url(#r)"><rect width="${lw}" height="20" fill="#3f4652"/><rect x="${lw}" width="${vw}" height="20" fill="${colour}"/></g>
<g fill="#fff" font-family="Verdana,DejaVu Sans,sans-serif" font-size="11" text-anchor="middle">
<text x="${lw / 2}" y="14">${x(label)}</text><text x="${lw + vw / 2}" y="14">${x(value)}</text></g>
</svg>
`;
}
