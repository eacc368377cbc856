import { escapeText as x } from './escape.ts';
import type { ResponseTimeSeries } from '../domain/response-times.ts';

const WIDTH = 320;
const HEIGHT = 64;
const PAD = 4;
const LINE_COLOURS = ['#2563eb', '#7c3aed', '#0f766e', '#9a3412'];

function formatMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${ms} ms`;
}

/**
 * A small SVG graph of response times: one line per check, gaps where nothing answered,
 * a red tick under buckets with failures. The title and description carry the numbers for
 * screen readers and for anyone who cannot tell the colours apart.
 */
export function renderSparkline(series: ResponseTimeSeries): string {
  const all = series.checks.flatMap((c) => c.buckets.map((b) => b.meanMs).filter((m): m is number => m !== null));
  const max = Math.max(1, ...all);
  const count = series.checks[0]?.buckets.length ?? 1;
  const step = (WIDTH - 2 * PAD) / Math.max(1, count - 1);
  const y = (ms: number) => (HEIGHT - 10 - ((HEIGHT - 10 - PAD) * ms) / max).toFixed(1);
  const lines = series.checks.map((check, n) => {
    const segments: string[] = [];
    let current: string[] = [];
    check.buckets.forEach((b, i) => {
      if (b.meanMs === null) {
        if (current.length > 0) segments.push(current.join(' '));
        current = [];
        return;
      }
      current.push(`${(PAD + i * step).toFixed(1)},${y(b.meanMs)}`);
    });
    if (current.length > 0) segments.push(current.join(' '));
    const colour = LINE_COLOURS[n % LINE_COLOURS.length];
    return segments
      .map((points) =>
        points.includes(' ')
          ? `<polyline points="${points}" fill="none" stroke="${colour}" stroke-width="1.5" stroke-linejoin="round"/>`
          : `<circle cx="${points.split(',')[0]}" cy="${points.split(',')[1]}" r="1.5" fill="${colour}"/>`,
      )
      .join('');
  });
  const failures = series.checks.flatMap((check) =>
    check.buckets.map((b, i) =>
      b.failures > 0
        ? `<rect x="${(PAD + i * step - 1).toFixed(1)}" y="${HEIGHT - 6}" width="2.5" height="6" fill="#b91c1c"/>`
        : '',
    ),
  );
  const summary = series.checks.map((c) => {
    const values = c.buckets.map((b) => b.meanMs).filter((m): m is number => m !== null);
    const failed = c.buckets.reduce((n, b) => n + b.failures, 0);
    if (values.length === 0) return `${c.name}: no answers`;
    const mean = Math.round(values.reduce((a, b) => a + b, 0) / values.length);
    return `${c.name}: mean ${formatMs(mean)}, slowest ${formatMs(Math.max(...values))}${failed > 0 ? `, ${failed} failed runs` : ''}`;
  });
  const title = `Response times of ${series.service.name}, last ${Math.round((series.to - series.from) / 3_600_000)} hours`;
  const description = summary.length === 0 ? 'No checks' : summary.join('; ');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-labelledby="t d">
<title id="t">${x(title)}</title><desc id="d">${x(description)}</desc>
<line x1="${PAD}" y1="${HEIGHT - 10}" x2="${WIDTH - PAD}" y2="${HEIGHT - 10}" stroke="#d0d5dd" stroke-width="1"/>
${lines.join('\n')}
${failures.join('')}
<text x="${WIDTH - PAD}" y="${PAD + 8}" font-family="sans-serif" font-size="9" fill="#5b6472" text-anchor="end">${x(formatMs(max))}</text>
</svg>
`;
}
