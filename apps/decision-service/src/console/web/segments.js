// @ts-check
import { api, ApiError, fieldErrors, get } from './api.js';
import { fmt, h, kvTable, pct, replace, when } from './dom.js';
import { showError, showInfo } from './notice.js';
import { canChange } from './session.js';

/**
 * Segments: the learned clusters under their stable ids (size, buyer share and the features that set each apart,
 * named by a marketer) and the rule segments (definition, size), with a form for rules. Sizes and buyer shares are
 * measured by the segment job on its sample of profiles; membership itself is evaluated on every profile read.
 */

/** @typedef {{min?: number, max?: number}} Range */
/** @typedef {{ feature: string, z: number, mean: number, population: number }} Contrast */

const RANGES = /** @type {const} */ ([
  ['recencyDays', 'Days since last purchase'],
  ['frequency', 'Purchases'],
  ['monetary', 'Spend'],
  ['lastSeenDays', 'Days since last seen'],
  ['churnRisk', 'Churn risk (0–1)'],
]);
const PURPOSES = ['marketing_email', 'marketing_push', 'marketing_sms', 'personalization'];

/** @param {Contrast} c */
const contrast = (c) =>
  `${c.feature} ${c.z >= 0 ? '+' : ''}${fmt(c.z, 1)}σ (${fmt(c.mean, 2)} vs ${fmt(c.population, 2)})`;

/** @param {{decisions: number, converted: number} | undefined} c */
const rate = (c) => (c && c.decisions > 0 ? `${pct(c.converted / c.decisions)} of ${fmt(c.decisions)}` : '–');

/** A readable one-line definition. @param {Record<string, any>} c */
export function describeConditions(c) {
  /** @type {string[]} */
  const parts = [];
  for (const [key, label] of RANGES) {
    /** @type {Range | undefined} */
    const r = c[key];
    if (r) parts.push(`${label} ${r.min ?? '…'}–${r.max ?? '…'}`);
  }
  if (c['categoryAffinity'])
    parts.push(
      `≥ ${pct(c['categoryAffinity'].minShare, 0)} of interest in ${c['categoryAffinity'].categories.join(', ')}`,
    );
  if (c['priceBands']) parts.push(`price band ${c['priceBands'].join(' or ')}`);
  if (c['consent']) parts.push(`consented to ${c['consent'].join(', ')}`);
  if (c['clusters']) parts.push(`in cluster ${c['clusters'].join(' or ')}`);
  if (c['anonymous'] !== undefined) parts.push(c['anonymous'] ? 'anonymous' : 'signed in');
  return parts.join('; ');
}

/** @param {string} path @param {string} label @param {HTMLElement} control @param {string} [help] */
const field = (path, label, control, help) =>
  h(
    'div',
    { class: 'field', 'data-path': path },
    h('label', { for: control.id }, label),
    control,
    help ? h('small', { class: 'muted' }, help) : null,
    h('div', { class: 'field-error' }),
  );

/** @param {string} id @param {unknown} [value] */
const numberInput = (id, value) =>
  h('input', { id, type: 'number', step: 'any', value: typeof value === 'number' ? value : undefined });

/** @param {string} s */
const list = (s) =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);

/** The rule form; `rule` fills it for an edit. @param {() => void} saved @param {Record<string, any>} [rule] */
function ruleForm(saved, rule) {
  const c = rule?.['conditions'] ?? {};
  const id = h('input', { id: 'seg-id', value: rule?.['id'], readonly: rule ? true : undefined });
  const name = h('input', { id: 'seg-name', value: rule?.['name'] });
  const description = h('input', { id: 'seg-description', value: rule?.['description'] });
  const ranges = RANGES.map(([key, label]) => {
    const min = numberInput(`seg-${key}-min`, c[key]?.min);
    const max = numberInput(`seg-${key}-max`, c[key]?.max);
    return { key, min, max, el: field(`conditions.${key}`, label, h('span', { id: `seg-${key}` }, min, ' to ', max)) };
  });
  const categories = h('input', { id: 'seg-categories', value: c['categoryAffinity']?.categories.join(', ') });
  const minShare = numberInput('seg-min-share', c['categoryAffinity']?.minShare);
  const bands = h('input', { id: 'seg-price-bands', value: c['priceBands']?.join(', ') });
  const clusters = h('input', { id: 'seg-clusters', value: c['clusters']?.join(', ') });
  const consent = PURPOSES.map((p) =>
    h('input', { type: 'checkbox', id: `seg-consent-${p}`, value: p, checked: c['consent']?.includes(p) ?? false }),
  );
  const errors = h('div', { id: 'segment-form-errors', class: 'form-errors', role: 'alert', hidden: true });
  const form = h(
    'form',
    { id: 'segment-form', novalidate: true },
    errors,
    h(
      'fieldset',
      {},
      h('legend', {}, rule ? `Edit ${String(rule['id'])}` : 'New rule segment'),
      field('id', 'Id', id, 'lowercase, e.g. lapsed-vips; what campaigns list under eligibility segments'),
      field('name', 'Name', name),
      field('description', 'Description', description),
      ranges.map((r) => r.el),
      field(
        'conditions.categoryAffinity',
        'Categories',
        h('span', {}, categories, ' min share ', minShare),
        'comma-separated; share of the user’s interest (default 0.2)',
      ),
      field('conditions.priceBands', 'Price bands', bands, 'strongest band is one of, e.g. 25-50, 500+'),
      field(
        'conditions.consent',
        'Consent granted',
        h(
          'span',
          {},
          consent.map((b) => h('label', {}, b, ` ${b.value} `)),
        ),
      ),
      field('conditions.clusters', 'Learned clusters', clusters, 'e.g. c2, c5'),
    ),
    h(
      'div',
      { class: 'toolbar' },
      h('button', { type: 'submit', class: 'primary', id: 'save-segment' }, 'Save segment'),
    ),
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    /** @type {Record<string, any>} */
    const conditions = {};
    for (const r of ranges) {
      /** @type {Range} */
      const range = {};
      if (r.min.value !== '') range.min = Number(r.min.value);
      if (r.max.value !== '') range.max = Number(r.max.value);
      if (r.min.value !== '' || r.max.value !== '') conditions[r.key] = range;
    }
    if (categories.value.trim())
      conditions['categoryAffinity'] = {
        categories: list(categories.value),
        ...(minShare.value !== '' ? { minShare: Number(minShare.value) } : {}),
      };
    if (bands.value.trim()) conditions['priceBands'] = list(bands.value);
    if (clusters.value.trim()) conditions['clusters'] = list(clusters.value);
    const granted = consent.filter((b) => b.checked).map((b) => b.value);
    if (granted.length) conditions['consent'] = granted;
    const payload = { name: name.value, conditions, ...(description.value ? { description: description.value } : {}) };
    try {
      await api('PUT', `/segments/rules/${encodeURIComponent(id.value.trim())}`, payload);
      showInfo(`Segment ${id.value.trim()} saved.`);
      saved();
    } catch (err) {
      if (!(err instanceof ApiError && err.status === 400)) return showError(err);
      showFieldErrors(form, errors, err.message);
    }
  });
  return form;
}

/** @param {HTMLFormElement} form @param {HTMLElement} summary @param {string} message */
function showFieldErrors(form, summary, message) {
  for (const el of form.querySelectorAll('.field-error')) replace(el);
  /** @type {string[]} */
  const unplaced = [];
  for (const [path, messages] of fieldErrors(message)) {
    const fields = /** @type {HTMLElement[]} */ ([...form.querySelectorAll('.field[data-path]')]);
    const target = fields.find((f) => path === f.dataset['path'] || path.startsWith(`${f.dataset['path']}.`));
    if (target) replace(/** @type {HTMLElement} */ (target.querySelector('.field-error')), messages.join('; '));
    else unplaced.push(...messages.map((m) => (path ? `${path}: ${m}` : m)));
  }
  replace(summary, unplaced.length ? unplaced.join('; ') : 'Please correct the fields marked below.');
  summary.hidden = false;
}

/** @param {HTMLElement} main */
export async function renderSegments(main) {
  const s = await get('/segments');
  const admin = canChange();
  const reload = () => void renderSegments(main).catch(showError);
  /** @param {Record<string, any>} c */
  const nameCell = (c) => {
    if (!admin) return h('td', {}, c['name'] ?? '–');
    const input = h('input', { id: `name-${c['id']}`, value: c['name'], placeholder: 'name this cluster' });
    const save = async () => {
      try {
        await api('PUT', `/segments/clusters/${encodeURIComponent(c['id'])}/name`, { name: input.value });
        showInfo(`Cluster ${c['id']} named ${input.value}.`);
      } catch (err) {
        showError(err);
      }
    };
    return h('td', {}, input, h('button', { type: 'button', onclick: () => void save() }, 'Name'));
  };
  const editor = h('div', { id: 'segment-editor' });
  replace(
    main,
    h('h2', {}, 'Segments'),
    s.model
      ? kvTable([
          ['segmentation', `#${s.model.version}, ${when(s.model.trainedAt)}`],
          ['sample', `${fmt(s.model.sampleSize)} profiles (sizes and buyer shares below are counted on it)`],
        ])
      : h('p', { class: 'muted' }, 'No segmentation has run yet: clusters appear after the first run.'),
    h('h3', {}, 'Learned clusters'),
    h(
      'table',
      { class: 'grid', id: 'clusters' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ['Id', 'Name', 'Size', 'Buyers', 'Converted: offered / holdout', 'Sets it apart'].map((t) => h('th', {}, t)),
        ),
      ),
      h(
        'tbody',
        {},
        s.clusters.map((/** @type {Record<string, any>} */ c) =>
          h(
            'tr',
            { 'data-id': c['id'] },
            h('td', {}, c['id']),
            nameCell(c),
            h('td', {}, fmt(c['size'])),
            h('td', {}, pct(c['buyerShare'])),
            h('td', {}, `${rate(c['conversion']?.offered)} / ${rate(c['conversion']?.holdout)}`),
            h('td', {}, c['top'].map(contrast).join('; ') || '–'),
          ),
        ),
      ),
    ),
    h('h3', {}, 'Rule segments'),
    h(
      'table',
      { class: 'grid', id: 'rules' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ['Id', 'Name', 'Definition', 'Size', 'Buyers', ''].map((t) => h('th', {}, t)),
        ),
      ),
      h(
        'tbody',
        {},
        s.rules.map((/** @type {Record<string, any>} */ r) =>
          h(
            'tr',
            { 'data-id': r['id'] },
            h('td', {}, r['id']),
            h('td', {}, r['name']),
            h('td', {}, describeConditions(r['conditions'])),
            h('td', {}, r['size'] === undefined ? 'next run' : fmt(r['size'])),
            h('td', {}, pct(r['buyerShare'])),
            h(
              'td',
              {},
              admin
                ? [
                    h('button', { type: 'button', onclick: () => replace(editor, ruleForm(reload, r)) }, 'Edit'),
                    h(
                      'button',
                      {
                        type: 'button',
                        onclick: () =>
                          void api('DELETE', `/segments/rules/${encodeURIComponent(r['id'])}`).then(reload, showError),
                      },
                      'Delete',
                    ),
                  ]
                : null,
            ),
          ),
        ),
      ),
    ),
    admin
      ? h(
          'button',
          { type: 'button', id: 'new-segment', onclick: () => replace(editor, ruleForm(reload)) },
          'New rule segment',
        )
      : null,
    editor,
  );
}
