// @ts-check
import { clearKey, hasKey, setKey } from './api.js';
import { renderCampaignDetail } from './campaign-detail.js';
import { renderCampaignForm } from './campaign-form.js';
import { renderCampaigns } from './campaigns.js';
import { destroyCharts } from './charts.js';
import { h, replace } from './dom.js';
import { renderFeed } from './feed.js';
import { renderModels } from './models.js';
import { renderSegments } from './segments.js';
import { clearNotice, showError, SIGNED_OUT } from './notice.js';
import { canChange, forgetSession, loadSession, session as signedIn } from './session.js';
import { renderUserLookup } from './user-lookup.js';

/**
 * The console's shell: the key form, hash routes (#/campaigns, #/campaigns/new, #/campaigns/<id>,
 * #/campaigns/<id>/edit, #/feed, #/users, #/segments, #/models); pages report errors in the notice line (notice.js).
 * A page returns an optional cleanup (timers) run when the route changes.
 */

/** @typedef {(main: HTMLElement, ...params: string[]) => Promise<(() => void) | void>} Page */

const main = /** @type {HTMLElement} */ (document.getElementById('main'));
const session = /** @type {HTMLElement} */ (document.getElementById('session'));

/** @type {[RegExp, Page][]} */
const ROUTES = [
  [/^#\/campaigns\/new$/, (m) => renderCampaignForm(m)],
  [/^#\/campaigns\/([^/]+)\/edit$/, (m, id) => renderCampaignForm(m, id)],
  [/^#\/campaigns\/([^/]+)$/, (m, id) => renderCampaignDetail(m, id ?? '')],
  [/^#\/feed$/, renderFeed],
  [/^#\/users(?:\/([^/]+))?$/, (m, id) => renderUserLookup(m, id)],
  [/^#\/segments$/, renderSegments],
  [/^#\/models$/, renderModels],
  [/^(#\/campaigns)?$/, renderCampaigns],
];

/** @type {(() => void) | void} */
let cleanup;
/**
 * Bumped on every route change. Each page draws into its own view; one still loading when the route changes
 * finishes into a view no longer shown (and its timers are stopped) instead of overwriting the newer page.
 */
let generation = 0;

async function route() {
  const gen = ++generation;
  if (cleanup) cleanup();
  cleanup = undefined;
  destroyCharts();
  clearNotice();
  if (!hasKey()) {
    // Nothing to show without a key, and no request made without one.
    replace(main, h('p', { id: 'signed-out' }, 'Sign in with an API key: reader to view, admin to change campaigns.'));
    return;
  }
  const hash = location.hash;
  for (const [re, page] of ROUTES) {
    const m = re.exec(hash);
    if (!m) continue;
    for (const a of document.querySelectorAll('nav a'))
      a.classList.toggle('active', hash.startsWith(a.getAttribute('href') ?? '-'));
    const view = h('div', { class: 'view' }, h('p', { class: 'muted' }, 'loading…'));
    replace(main, view);
    try {
      const done = await page(view, ...m.slice(1).map((p) => (p === undefined ? '' : decodeURIComponent(p))));
      if (gen === generation) cleanup = done;
      else if (done) done();
    } catch (e) {
      if (gen !== generation) return;
      replace(view);
      showError(e);
    }
    return;
  }
  replace(main, h('p', {}, 'No such page. ', h('a', { href: '#/campaigns' }, 'Campaigns')));
}

function signOut() {
  clearKey();
  forgetSession();
  renderSession();
  void route();
}

/** Asks who the key is, then shows it and the page; a refused key (401) goes back to the key form. */
async function signedInAgain() {
  try {
    await loadSession();
  } catch (e) {
    showError(e);
  }
  renderSession();
  void route();
}

function renderSession() {
  const who = signedIn();
  if (hasKey() && who) {
    replace(
      session,
      h(
        'span',
        { class: 'muted', id: 'signed-in-as' },
        `${who.name ?? 'anyone (AUTH_MODE=off)'} · ${who.roles.join(', ')}`,
        canChange() ? null : h('span', { class: 'badge paused', id: 'read-only' }, 'read-only'),
      ),
      h('button', { type: 'button', id: 'sign-out', onclick: signOut }, 'Sign out'),
    );
    return;
  }
  const input = h('input', {
    id: 'api-key',
    type: 'password',
    autocomplete: 'off',
    placeholder: 'API key (reader; admin to edit)',
  });
  const form = h(
    'form',
    {
      id: 'sign-in',
      onsubmit: (e) => {
        e.preventDefault();
        const key = input.value.trim();
        if (!key) return;
        setKey(key);
        void signedInAgain();
      },
    },
    h('label', { for: 'api-key' }, 'API key '),
    input,
    h('button', { type: 'submit' }, 'Sign in'),
  );
  replace(session, form);
}

window.addEventListener('hashchange', () => void route());
window.addEventListener(SIGNED_OUT, () => (forgetSession(), renderSession()));
if (hasKey()) void signedInAgain();
else {
  renderSession();
  void route();
}
