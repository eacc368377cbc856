import { html, type Html } from '../html.ts';
import { csrfField, page, type Chrome } from './layout.ts';
import { errorSummary, input, textarea, type FormState } from './forms.ts';

/** How each site setting is edited; only the settings the site-settings service knows are shown. */
export const SETTING_FIELDS: Array<{
  key: string;
  label: string;
  type?: 'text' | 'url' | 'number';
  hint?: string;
  long?: boolean;
}> = [
  { key: 'siteName', label: 'Site name' },
  { key: 'logoUrl', label: 'Logo URL', hint: 'An image URL (https://…) or a path on this site; empty for none.' },
  {
    key: 'reportProblemUrl',
    label: 'Report-a-problem URL',
    hint: 'Where customers report a problem: https://… or mailto:…; empty for none.',
  },
  {
    key: 'timeZone',
    label: 'Time zone',
    hint: 'An IANA time zone such as Europe/Berlin; days on the status page begin and end in it.',
  },
  { key: 'historyDays', label: 'History days', type: 'number', hint: 'How many days the status history shows.' },
  {
    key: 'siteUrl',
    label: 'Public site URL',
    hint: 'For links in feeds and notifications, e.g. https://status.example.com; empty to use the request’s.',
  },
  { key: 'about', label: 'About text', long: true, hint: 'Shown on the status page; optional.' },
];

export function settingsPage(chrome: Chrome, known: string[], state: FormState): Html {
  const fields = SETTING_FIELDS.filter((f) => known.includes(f.key));
  return page(
    chrome,
    'Settings',
    html`<div class="card">
  <p class="muted">What the public status page shows. Changes take effect at once.</p>
  ${errorSummary(state, 'set')}
  <form method="post" action="/admin/settings" class="stack" novalidate>
    ${csrfField(chrome)}
    ${fields.map((f) =>
      f.long
        ? textarea({ state, idPrefix: 'set', name: f.key, label: f.label, hint: f.hint, rows: 4 })
        : input({
            state,
            idPrefix: 'set',
            name: f.key,
            label: f.label,
            hint: f.hint,
            type: f.type ?? 'text',
            inputmode: f.type === 'number' ? 'numeric' : undefined,
          }),
    )}
    <button type="submit">Save settings</button>
  </form></div>`,
  );
}
