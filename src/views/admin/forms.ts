import { html, type Html, type HtmlValue } from '../html.ts';

/** A form as last submitted: the values to show again and the errors to show next to each field. */
export interface FormState {
  values: Record<string, string>;
  errors: Record<string, string>;
  /** An error that belongs to no single field. */
  formError?: string;
}

export const EMPTY_FORM: FormState = { values: {}, errors: {} };

export function formState(values: Record<string, string> = {}): FormState {
  return { values, errors: {} };
}

/** The list of errors at the top of a form, linking to each field (read first by screen readers). */
export function errorSummary(state: FormState, idPrefix: string): HtmlValue {
  const entries = Object.entries(state.errors);
  if (entries.length === 0 && !state.formError) return '';
  const count = entries.length + (state.formError ? 1 : 0);
  return html`<div class="alert" role="alert" tabindex="-1" autofocus><h2>${count > 1 ? 'Please fix these' : 'Please fix this'}</h2><ul>
    ${state.formError ? html`<li>${state.formError}</li>` : ''}
    ${entries.map(([name, message]) => html`<li><a href="#${idPrefix}-${name}">${message}</a></li>`)}
  </ul></div>`;
}

interface FieldOptions {
  state: FormState;
  idPrefix: string;
  name: string;
  label: string;
  type?: 'text' | 'email' | 'password' | 'url' | 'number' | 'search' | 'datetime-local';
  hint?: HtmlValue;
  required?: boolean;
  autocomplete?: string;
  /** Shown when the form has no submitted value. */
  value?: string;
  maxlength?: number;
  inputmode?: string;
}

function described(o: { idPrefix: string; name: string; hint?: HtmlValue; error?: string }): Html {
  const ids = [o.hint ? `${o.idPrefix}-${o.name}-hint` : '', o.error ? `${o.idPrefix}-${o.name}-error` : ''].filter(
    Boolean,
  );
  return ids.length > 0 ? html` aria-describedby="${ids.join(' ')}"` : html``;
}

function hintAndError(o: { idPrefix: string; name: string; hint?: HtmlValue; error?: string }): Html {
  return html`${o.hint ? html`<span class="hint" id="${o.idPrefix}-${o.name}-hint">${o.hint}</span>` : ''}${
    o.error ? html`<span class="error" id="${o.idPrefix}-${o.name}-error">${o.error}</span>` : ''
  }`;
}

export function input(o: FieldOptions): Html {
  const error = o.state.errors[o.name];
  const value = o.type === 'password' ? '' : (o.state.values[o.name] ?? o.value ?? '');
  const id = `${o.idPrefix}-${o.name}`;
  return html`<div class="field">
  <label for="${id}">${o.label}</label>
  ${hintAndError({ ...o, error })}
  <input id="${id}" name="${o.name}" type="${o.type ?? 'text'}" value="${value}"${o.required ? html` required` : ''}${
    o.autocomplete ? html` autocomplete="${o.autocomplete}"` : ''
  }${o.maxlength ? html` maxlength="${o.maxlength}"` : ''}${
    o.inputmode ? html` inputmode="${o.inputmode}"` : ''
  }${error ? html` aria-invalid="true"` : ''}${described({ ...o, error })}>
</div>`;
}

export function textarea(o: FieldOptions & { rows?: number }): Html {
  const error = o.state.errors[o.name];
  const id = `${o.idPrefix}-${o.name}`;
  return html`<div class="field">
  <label for="${id}">${o.label}</label>
  ${hintAndError({ ...o, error })}
  <textarea id="${id}" name="${o.name}" rows="${o.rows ?? 3}"${o.required ? html` required` : ''}${
    o.maxlength ? html` maxlength="${o.maxlength}"` : ''
  }${error ? html` aria-invalid="true"` : ''}${described({ ...o, error })}>${
    o.state.values[o.name] ?? o.value ?? ''
  }</textarea>
</div>`;
}

export function select(o: FieldOptions & { options: Array<{ value: string; label: string }> }): Html {
  const error = o.state.errors[o.name];
  const id = `${o.idPrefix}-${o.name}`;
  const chosen = o.state.values[o.name] ?? o.value ?? '';
  return html`<div class="field">
  <label for="${id}">${o.label}</label>
  ${hintAndError({ ...o, error })}
  <select id="${id}" name="${o.name}"${error ? html` aria-invalid="true"` : ''}${described({ ...o, error })}>
    ${o.options.map((opt) => html`<option value="${opt.value}"${opt.value === chosen ? html` selected` : ''}>${opt.label}</option>`)}
  </select>
</div>`;
}

/** A group of radio buttons, each with an optional icon (status and icon pickers). */
export function radios(
  o: Omit<FieldOptions, 'type'> & {
    options: Array<{ value: string; label: string; icon?: string; className?: string }>;
    className?: string;
  },
): Html {
  const error = o.state.errors[o.name];
  const chosen = o.state.values[o.name] ?? o.value ?? '';
  const id = `${o.idPrefix}-${o.name}`;
  return html`<fieldset id="${id}" class="${o.className ?? ''}"${described({ ...o, error })}>
  <legend>${o.label}</legend>
  ${hintAndError({ ...o, error })}
  <div class="choices">
    ${o.options.map(
      (opt, i) =>
        html`<label class="choice${opt.className ? ` ${opt.className}` : ''}"><input type="radio" name="${o.name}" value="${opt.value}" id="${id}-${i}"${
          opt.value === chosen ? html` checked` : ''
        }${o.required ? html` required` : ''}>${
          opt.icon ? html`<img src="${opt.icon}" alt="" width="16" height="16">` : ''
        }<span>${opt.label}</span></label>`,
    )}
  </div>
</fieldset>`;
}

export function checkbox(o: Omit<FieldOptions, 'type'> & { checked: boolean }): Html {
  const error = o.state.errors[o.name];
  const id = `${o.idPrefix}-${o.name}`;
  return html`<div class="field">
  <label class="check" for="${id}"><input type="checkbox" id="${id}" name="${o.name}" value="true"${o.checked ? html` checked` : ''}${described({ ...o, error })}> ${o.label}</label>
  ${hintAndError({ ...o, error })}
</div>`;
}
