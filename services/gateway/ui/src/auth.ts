// The token form: shown when an API call answers 401; the token goes to sessionStorage and every waiting page
// tries again with it.
import { storeToken } from './api.js';
import { h, replace } from './dom.js';

let waiters: Array<() => void> = [];
let dialog: HTMLElement | null = null;

function close(): void {
  dialog?.remove();
  dialog = null;
}

/** Shows the form (once, however many callers wait) and resolves when a token was entered. */
export function askForToken(message: string): Promise<void> {
  return new Promise((resolve) => {
    waiters.push(resolve);
    show(message);
  });
}

export function show(message: string): void {
  if (dialog) {
    const note = dialog.querySelector('.token-message');
    if (note) replace(note, message);
    return;
  }
  const input = h('input', { type: 'password', id: 'token-input', name: 'token', autocomplete: 'off', placeholder: 'token', 'aria-label': 'Bearer token' });
  const form = h(
    'form',
    { class: 'token-form', id: 'token-form' },
    h('h2', {}, 'A token is needed'),
    h('p', { class: 'token-message' }, message),
    h('p', { class: 'muted' }, 'The gateway answers only with the same bearer token as its API. It is kept in this tab only (sessionStorage).'),
    h('label', { for: 'token-input' }, 'Bearer token'),
    input,
    h('div', { class: 'token-actions' }, h('button', { type: 'submit' }, 'Use token')),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const token = input.value.trim();
    if (!token) return;
    storeToken(token);
    close();
    window.dispatchEvent(new Event('arbor-token'));
    const waiting = waiters;
    waiters = [];
    for (const resolve of waiting) resolve();
  });
  dialog = h('div', { class: 'overlay', role: 'dialog', 'aria-label': 'Token' }, form);
  document.body.appendChild(dialog);
  input.focus();
}
