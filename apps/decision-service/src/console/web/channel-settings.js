// @ts-check
import { h } from './dom.js';

/**
 * The delivery channels and the consent each always needs, as libs/decision/src/channels/channel-settings.ts states
 * them; the API refuses anything else, so the form only offers these.
 */
const CHANNELS = /** @type {const} */ ([
  ['site', 'personalization'],
  ['email', 'marketing_email'],
  ['push', 'marketing_push'],
  ['sms', 'marketing_sms'],
]);
const PURPOSES = ['marketing_email', 'marketing_push', 'marketing_sms', 'personalization'];

/**
 * The campaign's channel settings as a table: one row per channel, used or not, its cost per send and the consents it
 * needs beyond its own. No row in use means no settings: the channels eligibility names, else on site.
 * @param {unknown} value the campaign's `channels`
 */
export function channelsInput(value) {
  /** @type {{channel?: string, cost?: number, requires?: string[]}[]} */
  const list = Array.isArray(value) ? value : [];
  return h(
    'table',
    { id: 'f-channels', class: 'grid channel-settings' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', {}, 'Channel'),
        h('th', {}, 'Use'),
        h('th', {}, 'Cost per send'),
        h('th', {}, 'Also requires'),
      ),
    ),
    h(
      'tbody',
      {},
      CHANNELS.map(([channel, own]) => {
        const s = list.find((x) => x?.channel === channel);
        const requires = Array.isArray(s?.requires) ? s.requires : [];
        return h(
          'tr',
          { 'data-channel': channel },
          h('td', {}, channel),
          h(
            'td',
            {},
            h('input', {
              type: 'checkbox',
              id: `f-channels-${channel}`,
              name: `channels.${channel}.use`,
              checked: Boolean(s),
              'aria-label': `offer by ${channel}`,
            }),
          ),
          h(
            'td',
            {},
            h('input', {
              type: 'number',
              id: `f-channels-${channel}-cost`,
              name: `channels.${channel}.cost`,
              step: 'any',
              value: s?.cost ?? 0,
              'aria-label': `cost of one ${channel} send`,
            }),
          ),
          h(
            'td',
            {},
            PURPOSES.filter((p) => p !== own).map((p) =>
              h(
                'label',
                {},
                h('input', {
                  type: 'checkbox',
                  name: `channels.${channel}.requires`,
                  value: p,
                  checked: requires.includes(p),
                }),
                p,
              ),
            ),
          ),
        );
      }),
    ),
  );
}

/**
 * The body's `channels`: the rows in use (a channel's own consent first when others are ticked), or null when none is.
 * @param {HTMLFormElement} form
 */
export function channelsValue(form) {
  /** @type {{channel: string, cost: number | string, requires?: string[]}[]} */
  const out = [];
  for (const [channel, own] of CHANNELS) {
    const use = /** @type {HTMLInputElement | null} */ (form.querySelector(`input[name="channels.${channel}.use"]`));
    if (!use?.checked) continue;
    const cost = /** @type {HTMLInputElement | null} */ (form.querySelector(`input[name="channels.${channel}.cost"]`));
    const text = cost?.value.trim() ?? '';
    const extra = /** @type {HTMLInputElement[]} */ ([
      ...form.querySelectorAll(`input[name="channels.${channel}.requires"]`),
    ])
      .filter((b) => b.checked)
      .map((b) => b.value);
    out.push({
      channel,
      // Not a number: sent as typed, so the API names the field.
      cost: text === '' ? 0 : Number.isFinite(Number(text)) ? Number(text) : text,
      ...(extra.length > 0 ? { requires: [own, ...extra] } : {}),
    });
  }
  return out.length > 0 ? out : null;
}
