import { runInNewContext } from 'node:vm';
import { DASHBOARD_CSS, DASHBOARD_HTML } from './dashboard.page';
import { DASHBOARD_JS } from './dashboard.script';

interface FakeElement {
  hidden: boolean;
  innerHTML: string;
  textContent: string;
  value: string;
  addEventListener(type: string, fn: () => void): void;
}

/**
 * Runs the served dashboard script in a VM with the few browser objects it touches (no browser on the CI machines):
 * the campaigns API answers with `campaign`, and the test reads what the script put into the page.
 */
async function renderDashboard(
  campaign: Record<string, unknown>,
): Promise<{ cards: string; requests: { path: string; auth?: string }[] }> {
  const elements = new Map<string, FakeElement>();
  const element = (id: string): FakeElement => {
    let e = elements.get(id);
    if (!e) {
      e = { hidden: true, innerHTML: '', textContent: '', value: '', addEventListener: () => undefined };
      elements.set(id, e);
    }
    return e;
  };
  const report = {
    budget: {
      offers: 1,
      reservedSpend: 5,
      spendLimit: 100,
      countLimit: 10,
      openSpend: 5,
      redeemedSpend: 0,
      releasedSpend: 0,
      releasedOffers: 0,
      releasedUnreported: 0,
    },
    redemptions: 0,
    redeemedRevenue: 0,
    outcomes: { delivered: 1 },
    treated: { customers: 1, conversionRate: 0 },
    holdout: { customers: 0, conversionRate: null },
  };
  const requests: { path: string; auth?: string }[] = [];
  const storage = new Map<string, string>([['offerstream.apiKey', 'k-reader']]);
  const sandbox = {
    document: { getElementById: element },
    sessionStorage: {
      getItem: (k: string) => storage.get(k) ?? null,
      setItem: (k: string, v: string) => storage.set(k, v),
    },
    fetch: (path: string, init: { headers: Record<string, string> }) => {
      requests.push({ path, auth: init.headers['authorization'] });
      const body = path === 'campaigns' ? [campaign] : report;
      return Promise.resolve({ ok: true, status: 200, json: () => Promise.resolve(body) });
    },
    setInterval: () => 0,
    encodeURIComponent,
  };
  runInNewContext(DASHBOARD_JS, sandbox);
  for (let i = 0; i < 20 && element('cards').innerHTML === ''; i++) await new Promise((r) => setImmediate(r));
  return { cards: element('cards').innerHTML, requests };
}

describe('the dashboard script', () => {
  const attack = '<img src=x onerror=alert(1)>';

  it('renders a campaign named with an HTML tag as text, never as markup', async () => {
    const { cards } = await renderDashboard({
      id: 'x"><script>alert(2)</script>',
      name: attack,
      status: 'active" onmouseover="alert(3)',
      holdoutShare: 0.1,
      offerTypes: {},
    });
    expect(cards).toContain('&#60;img src&#61;x onerror&#61;alert(1)&#62;');
    expect(cards).not.toContain('<img');
    expect(cards).not.toContain('<script');
    expect(cards).not.toMatch(/onmouseover="/);
    expect(cards).toContain('<h2>');
  });

  it('sends the stored key as a Bearer header to the campaigns API', async () => {
    const { requests } = await renderDashboard({
      id: 'spring',
      name: 'Spring sale',
      status: 'active',
      holdoutShare: 0.1,
      offerTypes: {},
    });
    expect(requests.map((r) => r.path)).toEqual(['campaigns', 'campaigns/spring/report']);
    expect(requests.every((r) => r.auth === 'Bearer k-reader')).toBe(true);
  });
});

describe('the dashboard page', () => {
  it('has no inline script or style, so a CSP without unsafe-inline can serve it', () => {
    const scripts = DASHBOARD_HTML.match(/<script[^>]*>/g) ?? [];
    expect(scripts).toEqual(['<script src="dashboard/app.js" defer>']);
    expect(DASHBOARD_HTML).not.toMatch(/<style|\son[a-z]+=|style=/i);
    expect(DASHBOARD_CSS).toContain('.card');
  });
});
