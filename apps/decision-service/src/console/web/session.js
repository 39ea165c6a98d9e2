// @ts-check
import { get, hasKey } from './api.js';

/**
 * Who the console is signed in as (GET /console/session: the key's name and roles), so pages offer changes only to
 * keys that hold `admin`. A convenience, not a control: every change is checked by the API route it calls.
 * @typedef {{ name: string | null, roles: string[] }} Session
 */

/** @type {Session | null} */
let current = null;

/** Asks the API who the stored key is; null without a key. @returns {Promise<Session | null>} */
export async function loadSession() {
  current = hasKey() ? /** @type {Session} */ (await get('/console/session')) : null;
  return current;
}

export function forgetSession() {
  current = null;
}

/** @returns {Session | null} */
export const session = () => current;

/** Whether the key may change campaigns. */
export const canChange = () => Boolean(current?.roles.includes('admin'));
