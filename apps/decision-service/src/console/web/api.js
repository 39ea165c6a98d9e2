// @ts-check
/**
 * The API as the console calls it. The operator's API key lives in sessionStorage (this tab only, gone when it
 * closes) and goes out as a Bearer header on fetch: the same keys and roles as any other client, no cookie, so no
 * request can be forged from another site (docs/security.md, "The console").
 */
const KEY = 'offerstream.apiKey';

export class ApiError extends Error {
  /** @param {number} status @param {string} message */
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

export function hasKey() {
  return Boolean(sessionStorage.getItem(KEY));
}

/** @param {string} key */
export function setKey(key) {
  sessionStorage.setItem(KEY, key);
}

export function clearKey() {
  sessionStorage.removeItem(KEY);
}

/**
 * @param {string} method
 * @param {string} path absolute API path, e.g. /campaigns
 * @param {unknown} [body]
 * @returns {Promise<any>}
 */
export async function api(method, path, body) {
  const key = sessionStorage.getItem(KEY);
  /** @type {Record<string, string>} */
  const headers = {};
  if (key) headers['authorization'] = `Bearer ${key}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  /** @type {any} */
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  if (!res.ok) {
    const message = json && typeof json.message === 'string' ? json.message : `HTTP ${res.status}`;
    throw new ApiError(res.status, message);
  }
  return json;
}

/** @param {string} path */
export const get = (path) => api('GET', path);

/**
 * Splits a 400 message of the API ("path: message; path: message", or a JSON list of zod issues) into messages per
 * field path; what names no field is under ''.
 * @param {string} message @returns {Map<string, string[]>}
 */
export function fieldErrors(message) {
  /** @type {Map<string, string[]>} */
  const out = new Map();
  const add = (/** @type {string} */ path, /** @type {string} */ msg) => out.set(path, [...(out.get(path) ?? []), msg]);
  if (message.trimStart().startsWith('[')) {
    try {
      /** @type {{path?: (string | number)[], message?: string}[]} */
      const issues = JSON.parse(message);
      for (const i of issues) add((i.path ?? []).join('.'), i.message ?? 'invalid');
      return out;
    } catch {
      // Not JSON after all: fall through to the plain format.
    }
  }
  for (const part of message.split('; ')) {
    const m = /^([\w.]+|\(body\)): (.*)$/s.exec(part);
    if (m && m[1] !== '(body)') add(m[1] ?? '', m[2] ?? part);
    else add('', part);
  }
  return out;
}
