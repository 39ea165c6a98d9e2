// @ts-check
/**
 * The console's only way to make markup: elements built with the DOM API, every value set as text or as an
 * attribute value, never parsed as HTML. So a campaign name like `<img onerror=...>` shows as those characters.
 */

/** @typedef {string | number | boolean | undefined | null | ((e: Event) => void)} AttrValue */
/** @typedef {Node | string | number | null | undefined | false} Child */

/**
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Record<string, AttrValue>} [attrs] `onclick`-style keys add listeners; `true` sets an empty attribute.
 * @param {...(Child | Child[])} children strings become text nodes
 * @returns {HTMLElementTagNameMap[K]}
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (typeof value === 'function') {
      if (!name.startsWith('on')) throw new Error(`listener ${name} must be named on<event>`);
      el.addEventListener(name.slice(2), value);
    } else if (value === true) el.setAttribute(name, '');
    else if (value !== false && value !== undefined && value !== null) el.setAttribute(name, String(value));
  }
  for (const c of children.flat())
    if (c !== null && c !== undefined && c !== false) el.append(c instanceof Node ? c : String(c));
  return el;
}

/** @param {Element} el @param {...(Child | Child[])} children */
export function replace(el, ...children) {
  el.replaceChildren();
  for (const c of children.flat())
    if (c !== null && c !== undefined && c !== false) el.append(c instanceof Node ? c : String(c));
}

/** @param {number | null | undefined} x @param {number} [digits] */
export function fmt(x, digits = 0) {
  return x === null || x === undefined || !Number.isFinite(x)
    ? '–'
    : x.toLocaleString('en', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** @param {number | null | undefined} x @param {number} [digits] */
export function pct(x, digits = 1) {
  return x === null || x === undefined || !Number.isFinite(x) ? '–' : `${(100 * x).toFixed(digits)}%`;
}

/** @param {string | number | null | undefined} t */
export function when(t) {
  if (t === null || t === undefined || t === '') return '–';
  const d = new Date(t);
  return Number.isNaN(d.getTime()) ? String(t) : d.toISOString().replace('T', ' ').slice(0, 19) + ' UTC';
}

/** @param {string | number | null | undefined} t */
export function age(t) {
  if (t === null || t === undefined) return '–';
  const s = Math.max(0, (Date.now() - new Date(t).getTime()) / 1000);
  if (!Number.isFinite(s)) return '–';
  return s < 120
    ? `${Math.round(s)} s ago`
    : s < 7200
      ? `${Math.round(s / 60)} min ago`
      : `${(s / 3600).toFixed(1)} h ago`;
}

/** A 95% interval as "est (lower … upper)". @param {{estimate: number, lower: number, upper: number} | null | undefined} i @param {number} [digits] */
export function interval(i, digits = 1) {
  return i ? `${fmt(i.estimate, digits)} (${fmt(i.lower, digits)} … ${fmt(i.upper, digits)})` : '–';
}

/**
 * Rows of [path, value] for any JSON value (nested objects flattened), to show figures a service returns without
 * knowing their shape in advance. Numbers are shown as they are: the console never computes figures of its own here.
 * @param {unknown} value @param {string} [prefix] @returns {[string, string][]}
 */
export function flatten(value, prefix = '') {
  if (value === null || value === undefined) return prefix ? [[prefix, '–']] : [];
  if (Array.isArray(value)) {
    if (value.every((v) => typeof v !== 'object' || v === null)) return [[prefix, value.map(String).join(', ')]];
    return value.flatMap((v, i) => flatten(v, `${prefix}[${i}]`));
  }
  if (typeof value === 'object')
    return Object.entries(value).flatMap(([k, v]) => flatten(v, prefix ? `${prefix}.${k}` : k));
  if (typeof value === 'number') return [[prefix, Number.isInteger(value) ? fmt(value) : fmt(value, 4)]];
  return [[prefix, String(value)]];
}

/** A two-column table of rows. @param {[string, string | Node][]} rows */
export function kvTable(rows) {
  return h(
    'table',
    { class: 'kv' },
    h(
      'tbody',
      {},
      rows.map(([k, v]) => h('tr', {}, h('th', {}, k), h('td', {}, v))),
    ),
  );
}
