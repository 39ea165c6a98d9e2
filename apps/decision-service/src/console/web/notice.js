// @ts-check
import { ApiError, clearKey } from './api.js';
import { replace } from './dom.js';

/** The status line under the header: errors of any page, and confirmations. */
const notice = () => /** @type {HTMLElement} */ (document.getElementById('notice'));

/** Fired when the API refused the key (401): the shell shows the key form again. */
export const SIGNED_OUT = 'console:signed-out';

/** @param {unknown} e */
export function showError(e) {
  const el = notice();
  el.className = 'notice error';
  if (e instanceof ApiError && e.status === 401) {
    clearKey();
    window.dispatchEvent(new Event(SIGNED_OUT));
    replace(el, `Sign in with an API key (${e.message})`);
  } else if (e instanceof ApiError && e.status === 403) replace(el, `Not allowed: ${e.message}`);
  else replace(el, `Error: ${e instanceof Error ? e.message : String(e)}`);
}

/** @param {string} text @param {boolean} [keep] kept through the next page change (a message about a save that navigates) */
export function showInfo(text, keep = false) {
  const el = notice();
  el.className = 'notice info';
  el.dataset['keep'] = keep ? '1' : '';
  replace(el, text);
}

/** Clears the line on a page change, except a message just shown with `keep`. */
export function clearNotice() {
  const el = notice();
  if (el.dataset['keep'] === '1') {
    el.dataset['keep'] = '';
    return;
  }
  el.className = 'notice';
  replace(el);
}
