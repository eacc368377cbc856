import { html, type Html } from '../html.ts';
import { csrfField, page, type Chrome } from './layout.ts';
import { errorSummary, input, type FormState } from './forms.ts';
import { PASSWORD_MIN } from '../../domain/accounts.ts';

export function setupPage(chrome: Chrome, state: FormState): Html {
  return page(
    chrome,
    'Set up Stashboard',
    html`<div class="card auth">
  <p>No user exists yet. Create the first admin account with the <strong>setup code</strong> that the
  server printed in its log when it started (look for “setup code”). The code works once.</p>
  ${errorSummary(state, 'setup')}
  <form method="post" action="/admin/setup" class="stack" novalidate>
    ${csrfField(chrome)}
    ${input({ state, idPrefix: 'setup', name: 'code', label: 'Setup code', required: true, autocomplete: 'off', hint: 'Five groups of four letters and digits, for example ABCD-EFGH-JKMN-PQRS-TVWX' })}
    ${input({ state, idPrefix: 'setup', name: 'email', label: 'Your email', type: 'email', required: true, autocomplete: 'username' })}
    ${input({ state, idPrefix: 'setup', name: 'password', label: 'Password', type: 'password', required: true, autocomplete: 'new-password', hint: `At least ${PASSWORD_MIN} characters` })}
    ${input({ state, idPrefix: 'setup', name: 'confirm', label: 'Password again', type: 'password', required: true, autocomplete: 'new-password' })}
    <button type="submit">Create the admin account</button>
  </form></div>`,
  );
}

export function loginPage(chrome: Chrome, state: FormState, next: string): Html {
  return page(
    chrome,
    'Log in',
    html`<div class="card auth">
  ${errorSummary(state, 'login')}
  <form method="post" action="/admin/login" class="stack" novalidate>
    ${csrfField(chrome)}
    <input type="hidden" name="next" value="${next}">
    ${input({ state, idPrefix: 'login', name: 'email', label: 'Email', type: 'email', required: true, autocomplete: 'username' })}
    ${input({ state, idPrefix: 'login', name: 'password', label: 'Password', type: 'password', required: true, autocomplete: 'current-password' })}
    <button type="submit">Log in</button>
  </form></div>`,
  );
}

export function accountPage(chrome: Chrome, state: FormState): Html {
  return page(
    chrome,
    'Your account',
    html`<div class="card">
  <p>You are signed in as <strong>${chrome.user?.email}</strong> (${chrome.user?.role}).</p>
  <h2>Change password</h2>
  <p class="muted small">Your other sessions end when you change it.</p>
  ${errorSummary(state, 'pw')}
  <form method="post" action="/admin/account/password" class="stack" novalidate>
    ${csrfField(chrome)}
    ${input({ state, idPrefix: 'pw', name: 'current', label: 'Current password', type: 'password', required: true, autocomplete: 'current-password' })}
    ${input({ state, idPrefix: 'pw', name: 'password', label: 'New password', type: 'password', required: true, autocomplete: 'new-password', hint: `At least ${PASSWORD_MIN} characters` })}
    ${input({ state, idPrefix: 'pw', name: 'confirm', label: 'New password again', type: 'password', required: true, autocomplete: 'new-password' })}
    <button type="submit">Change password</button>
  </form></div>`,
  );
}
