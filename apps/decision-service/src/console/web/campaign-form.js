// @ts-check
import { api, ApiError, fieldErrors, get } from './api.js';
import { createDefaults } from './campaign-defaults.js';
import { channelsInput, channelsValue } from './channel-settings.js';
import { h, replace } from './dom.js';
import { showError, showInfo } from './notice.js';

/**
 * Create and edit a campaign. The API validates (zod, libs/decision campaign.schema.ts) and the form shows its
 * messages beside the fields they name; the form itself only turns inputs into JSON, so there is one set of rules.
 */

/**
 * @typedef {{ path: string, label: string, kind: 'text' | 'number' | 'numbers' | 'strings' | 'bool' | 'select' | 'datetime' | 'checks' | 'channels',
 *   options?: string[], createOnly?: boolean, required?: boolean, step?: string, help?: string }} Field
 */

const TRIGGERS = [
  'cart_abandon',
  'category_browse',
  'post_purchase',
  'service_recovery',
  'offer_request',
  'http_decision',
];

/** @type {[string, Field[]][]} */
const SECTIONS = [
  [
    'Campaign',
    [
      {
        path: 'id',
        label: 'Id',
        kind: 'text',
        createOnly: true,
        help: 'letters, digits, - and _; generated when empty',
      },
      { path: 'name', label: 'Name', kind: 'text', required: true },
      { path: 'priority', label: 'Priority', kind: 'number', help: 'lower wins when campaigns overlap' },
      { path: 'startsAt', label: 'Starts (UTC)', kind: 'datetime' },
      { path: 'endsAt', label: 'Ends (UTC)', kind: 'datetime' },
      { path: 'currency', label: 'Currency', kind: 'text', createOnly: true },
      {
        path: 'appliesTo',
        label: 'Offer on a named item applies to',
        kind: 'select',
        options: ['context', 'recommended'],
      },
    ],
  ],
  [
    'Offer menu',
    [
      { path: 'offerTypes.percentDiscounts', label: 'Percent discounts', kind: 'numbers', help: 'e.g. 10, 20' },
      { path: 'offerTypes.fixedCoupons', label: 'Fixed coupons', kind: 'numbers', help: 'amounts, e.g. 5, 10' },
      { path: 'offerTypes.freeShipping', label: 'Free shipping', kind: 'bool' },
      { path: 'offerTypes.shippingCost', label: 'Shipping cost', kind: 'number', step: '0.01' },
      { path: 'offerTypes.bundle', label: 'Bundles', kind: 'bool' },
      { path: 'offerTypes.bundleDiscountPercent', label: 'Bundle discount %', kind: 'number' },
      { path: 'offerTypes.recommendation', label: 'Recommendations', kind: 'bool' },
      { path: 'offerTypes.serviceRecoveryCoupon', label: 'Service-recovery coupon', kind: 'number', step: '0.01' },
    ],
  ],
  [
    'Budget and caps',
    [
      { path: 'budget.spend', label: 'Spend limit', kind: 'number', required: true, step: '0.01' },
      { path: 'budget.count', label: 'Offer count limit', kind: 'number', required: true },
      { path: 'caps.perUser', label: 'Offers per user per window', kind: 'number' },
      { path: 'caps.windowHours', label: 'Cap window (hours)', kind: 'number', step: 'any' },
      { path: 'caps.cooldownMinutes', label: 'Cooldown between offers (minutes)', kind: 'number', step: 'any' },
    ],
  ],
  [
    'Eligibility',
    [
      { path: 'eligibility.triggers', label: 'Triggers', kind: 'checks', options: TRIGGERS },
      { path: 'eligibility.customers', label: 'Customers', kind: 'select', options: ['any', 'new', 'returning'] },
      { path: 'eligibility.segments', label: 'Segments', kind: 'strings', help: 'empty: everyone' },
      { path: 'eligibility.channels', label: 'Channels', kind: 'strings', help: 'empty: every channel' },
      {
        path: 'eligibility.hoursUtc',
        label: 'Hours of day (UTC)',
        kind: 'numbers',
        help: 'e.g. 8, 9, 18; empty: all day',
      },
    ],
  ],
  [
    'Delivery channels',
    [
      {
        path: 'channels',
        label: 'Channels the decision chooses from',
        kind: 'channels',
        help: 'by consent, engagement, learned response and cost; none ticked: the channels eligibility names, else on site',
      },
    ],
  ],
  [
    'Measurement and limits',
    [
      {
        path: 'holdoutShare',
        label: 'Holdout share',
        kind: 'number',
        step: '0.01',
        help: '0 to 0.9 of users get no offer (the control group)',
      },
      { path: 'maxMarginShare', label: 'Max share of margin a discount may take', kind: 'number', step: '0.01' },
      { path: 'offerTtlHours', label: 'Offer lifetime (hours)', kind: 'number', step: 'any' },
    ],
  ],
];

/** @param {Record<string, any>} obj @param {string} path */
const read = (obj, path) =>
  path.split('.').reduce((o, k) => (o && typeof o === 'object' ? o[k] : undefined), /** @type {any} */ (obj));

/** @param {Record<string, any>} obj @param {string} path @param {unknown} value */
function write(obj, path, value) {
  const keys = path.split('.');
  let o = obj;
  for (const k of keys.slice(0, -1)) o = o[k] ??= {};
  o[keys[keys.length - 1] ?? ''] = value;
}

/** `2026-12-01T10:00:00.000Z` -> the datetime-local value in UTC. @param {unknown} iso */
const toLocalInput = (iso) => (typeof iso === 'string' && iso ? new Date(iso).toISOString().slice(0, 16) : '');

/** @param {string} s @returns {(number | string)[]} numbers, or the text itself where it is not one (the API says why) */
const numberList = (s) =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean)
    .map((x) => (Number.isFinite(Number(x)) ? Number(x) : x));

/** @param {Field} f @param {unknown} value */
function input(f, value) {
  const id = `f-${f.path.replace(/\./g, '-')}`;
  if (f.kind === 'channels') return channelsInput(value);
  if (f.kind === 'bool') return h('input', { id, type: 'checkbox', name: f.path, checked: value === true });
  if (f.kind === 'select')
    return h(
      'select',
      { id, name: f.path },
      (f.options ?? []).map((o) => h('option', { value: o, selected: o === value }, o)),
    );
  if (f.kind === 'checks') {
    const on = Array.isArray(value) ? value : (f.options ?? []);
    return h(
      'div',
      { id, class: 'checks' },
      (f.options ?? []).map((o) =>
        h('label', {}, h('input', { type: 'checkbox', name: f.path, value: o, checked: on.includes(o) }), o),
      ),
    );
  }
  const text = Array.isArray(value)
    ? value.join(', ')
    : f.kind === 'datetime'
      ? toLocalInput(value)
      : value === undefined || value === null
        ? ''
        : String(value);
  const type = f.kind === 'number' ? 'number' : f.kind === 'datetime' ? 'datetime-local' : 'text';
  return h('input', {
    id,
    type,
    name: f.path,
    value: text,
    step: f.step ?? (f.kind === 'number' ? '1' : undefined),
    autocomplete: 'off',
  });
}

/**
 * The JSON the form stands for. Empty optional fields are left out (defaults on create, unchanged on edit); empty
 * dates clear the date on edit; an empty required number is sent as null so the API names the field.
 * @param {HTMLFormElement} form @param {boolean} editing
 */
function body(form, editing) {
  /** @type {Record<string, any>} */
  const out = {};
  for (const [, fields] of SECTIONS)
    for (const f of fields) {
      if (editing && f.createOnly) continue;
      if (f.kind === 'channels') {
        // null on edit removes the settings; a new campaign without any simply has none.
        const channels = channelsValue(form);
        if (channels !== null || editing) write(out, f.path, channels);
        continue;
      }
      if (f.kind === 'checks') {
        const boxes = /** @type {NodeListOf<HTMLInputElement>} */ (form.querySelectorAll(`input[name="${f.path}"]`));
        write(
          out,
          f.path,
          [...boxes].filter((b) => b.checked).map((b) => b.value),
        );
        continue;
      }
      const el = /** @type {HTMLInputElement | HTMLSelectElement} */ (form.elements.namedItem(f.path));
      if (f.kind === 'bool') write(out, f.path, /** @type {HTMLInputElement} */ (el).checked);
      else if (f.kind === 'select') write(out, f.path, el.value);
      else if (f.kind === 'numbers') write(out, f.path, numberList(el.value));
      else if (f.kind === 'strings')
        write(
          out,
          f.path,
          el.value
            .split(',')
            .map((x) => x.trim())
            .filter(Boolean),
        );
      else if (el.value.trim() === '') {
        if (f.kind === 'datetime' && editing) write(out, f.path, null);
        else if (f.required && f.kind === 'number') write(out, f.path, null);
      } else if (f.kind === 'number') write(out, f.path, Number(el.value));
      else if (f.kind === 'datetime') write(out, f.path, new Date(`${el.value}Z`).toISOString());
      else write(out, f.path, el.value.trim());
    }
  return out;
}

/** Shows the API's messages next to their fields; the rest above the form. @param {HTMLFormElement} form @param {string} message */
function showFieldErrors(form, message) {
  for (const el of form.querySelectorAll('.field-error')) replace(el);
  for (const el of form.querySelectorAll('.field.invalid')) el.classList.remove('invalid');
  const summary = /** @type {HTMLElement} */ (form.querySelector('#form-errors'));
  /** @type {string[]} */
  const unplaced = [];
  for (const [path, messages] of fieldErrors(message)) {
    const fields = /** @type {HTMLElement[]} */ ([...form.querySelectorAll('.field[data-path]')]);
    // `offerTypes.percentDiscounts.0` belongs to the field `offerTypes.percentDiscounts`.
    const field = fields
      .filter((f) => path === f.dataset['path'] || path.startsWith(`${f.dataset['path']}.`))
      .sort((a, b) => (b.dataset['path'] ?? '').length - (a.dataset['path'] ?? '').length)[0];
    if (!field) {
      unplaced.push(...messages.map((m) => (path ? `${path}: ${m}` : m)));
      continue;
    }
    field.classList.add('invalid');
    replace(/** @type {HTMLElement} */ (field.querySelector('.field-error')), messages.join('; '));
  }
  replace(summary, unplaced.length ? unplaced.join('; ') : 'Please correct the fields marked below.');
  summary.hidden = false;
}

/** @param {HTMLElement} main @param {string} [id] an existing campaign's id to edit */
export async function renderCampaignForm(main, id) {
  const editing = Boolean(id);
  /** @type {Record<string, any>} */
  const current = editing ? await get(`/campaigns/${encodeURIComponent(id ?? '')}`) : await createDefaults();
  const form = h(
    'form',
    { id: 'campaign-form', novalidate: true },
    h('div', { id: 'form-errors', class: 'form-errors', role: 'alert', hidden: true }),
    SECTIONS.map(([title, fields]) =>
      h(
        'fieldset',
        {},
        h('legend', {}, title),
        fields
          .filter((f) => !(editing && f.createOnly))
          .map((f) =>
            h(
              'div',
              { class: 'field', 'data-path': f.path },
              h('label', { for: `f-${f.path.replace(/\./g, '-')}` }, f.label),
              input(f, read(current, f.path)),
              f.help ? h('small', { class: 'muted' }, f.help) : null,
              h('div', { class: 'field-error' }),
            ),
          ),
      ),
    ),
    h(
      'div',
      { class: 'toolbar' },
      h('button', { type: 'submit', class: 'primary', id: 'save' }, editing ? 'Save changes' : 'Create campaign'),
      h(
        'a',
        { href: editing ? `#/campaigns/${encodeURIComponent(id ?? '')}` : '#/campaigns', class: 'button' },
        'Cancel',
      ),
    ),
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const payload = body(form, editing);
    try {
      /** @type {{id: string, name: string}} */
      const saved = editing
        ? await api('PATCH', `/campaigns/${encodeURIComponent(id ?? '')}`, payload)
        : await api('POST', '/campaigns', payload);
      location.hash = `#/campaigns/${encodeURIComponent(saved.id)}`;
      showInfo(`Campaign ${saved.name} ${editing ? 'saved' : 'created'}.`, true);
    } catch (err) {
      if (err instanceof ApiError && err.status === 400) showFieldErrors(form, err.message);
      else showError(err);
    }
  });
  replace(main, h('h2', {}, editing ? `Edit ${String(current['name'])}` : 'New campaign'), form);
}
