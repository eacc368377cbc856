import { html, type Html } from '../html.ts';
import { ROLES, type User } from '../../domain/accounts.ts';
import { csrfField, page, type Chrome } from './layout.ts';
import { errorSummary, input, select, type FormState } from './forms.ts';
import { time } from './time.ts';

const ROLE_OPTIONS = ROLES.map((r) => ({
  value: r,
  label: r === 'admin' ? 'admin (everything)' : 'editor (events and notes only)',
}));

export function usersPage(
  chrome: Chrome,
  users: User[],
  timeZone: string,
  state: FormState,
  options: { created?: { user: User; password: string }; rowError?: { id: number; message: string } } = {},
): Html {
  const rows = users.map(
    (u) => html`<tr>
    <td class="wrap">${u.email}${chrome.user?.email === u.email ? html` <span class="muted small">(you)</span>` : ''}</td>
    <td>
      <form method="post" action="/admin/users/${u.id}/role" class="row">
        ${csrfField(chrome)}
        <label class="visually-hidden" for="role-${u.id}">Role of ${u.email}</label>
        <select id="role-${u.id}" name="role"${options.rowError?.id === u.id ? html` aria-invalid="true" aria-describedby="role-${u.id}-error"` : ''}>
          ${ROLES.map((r) => html`<option value="${r}"${r === u.role ? html` selected` : ''}>${r}</option>`)}
        </select>
        <button type="submit" class="secondary">Save<span class="visually-hidden"> role of ${u.email}</span></button>
      </form>
      ${options.rowError?.id === u.id ? html`<span class="error" id="role-${u.id}-error">${options.rowError.message}</span>` : ''}
    </td>
    <td class="small">${time(u.createdAt, timeZone)}</td>
    <td class="actions"><a href="/admin/users/${u.id}/delete">Remove<span class="visually-hidden"> ${u.email}</span></a></td>
  </tr>`,
  );
  return page(
    chrome,
    'Users',
    html`
  ${
    options.created
      ? html`<section class="secret" role="status" aria-labelledby="new-user">
    <h2 id="new-user">${options.created.user.email} can log in now</h2>
    <p>Give them this password, shown only this once; they should change it under “your account” after logging in:</p>
    <p><code>${options.created.password}</code></p>
  </section>`
      : ''
  }
  <div class="table-wrap" tabindex="0" role="region" aria-label="Users (scrolls sideways)"><table>
    <thead><tr><th scope="col">Email</th><th scope="col">Role</th><th scope="col">Since</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
    <tbody>${rows}</tbody></table></div>
  <p class="muted small">Admins may do everything; editors post and delete events and notes, manage incidents and maintenance and confirm held recoveries. There is always at least one admin.</p>
  <section class="card" aria-labelledby="add-user">
    <h2 id="add-user">Add a user</h2>
    ${errorSummary(state, 'user')}
    <form method="post" action="/admin/users" class="stack" novalidate>
      ${csrfField(chrome)}
      ${input({ state, idPrefix: 'user', name: 'email', label: 'Email', type: 'email', required: true, autocomplete: 'off' })}
      ${select({ state, idPrefix: 'user', name: 'role', label: 'Role', value: 'editor', options: ROLE_OPTIONS })}
      ${input({
        state,
        idPrefix: 'user',
        name: 'password',
        label: 'Password (optional)',
        type: 'password',
        autocomplete: 'new-password',
        hint: 'Leave empty to get a generated one to hand over.',
      })}
      <button type="submit">Add user</button>
    </form>
  </section>`,
  );
}
