/**
 * The dashboard's browser code, served as /dashboard/app.js so that the page needs no inline script. Every value
 * that comes from the API goes through `esc` before it reaches markup (campaign names and ids are operator input:
 * a stored-XSS vector otherwise); numbers are formatted, never inserted raw.
 */
export const DASHBOARD_JS = `'use strict';
const esc = (v) => String(v == null ? '' : v).replace(/[&<>"'\`=\\/]/g, (ch) => '&#' + ch.charCodeAt(0) + ';');
const fmt = (x, d = 0) => x == null ? '–' : Number(x).toLocaleString(undefined, { maximumFractionDigits: d, minimumFractionDigits: d });
const pct = (x, d = 2) => x == null ? '–' : (100 * x).toFixed(d) + '%';
function bar(label, value, max, color, y, text) {
  const w = max > 0 ? Math.max(0, Math.min(1, value / max)) * 260 : 0;
  return '<text x="0" y="' + (y + 12) + '">' + esc(label) + '</text><rect x="110" y="' + y + '" width="260" height="16" fill="#eef0f3"/>' +
    '<rect x="110" y="' + y + '" width="' + w + '" height="16" fill="' + color + '"/><text x="376" y="' + (y + 12) + '">' + esc(text) + '</text>';
}
function funnel(outcomes) {
  const steps = ['delivered', 'impression', 'click', 'redeem', 'dismiss', 'expire'];
  const max = Math.max(1, ...steps.map((s) => outcomes[s] || 0));
  return '<svg width="100%" viewBox="0 0 430 ' + (steps.length * 20) + '">' +
    steps.map((s, i) => bar(s, outcomes[s] || 0, max, s === 'redeem' ? '#059669' : s === 'dismiss' || s === 'expire' ? '#9ca3af' : '#3b82f6', i * 20, fmt(outcomes[s] || 0))).join('') + '</svg>';
}
function lift(r) {
  const t = r.treated.conversionRate, h = r.holdout.conversionRate, ci = r.incrementalConversionRate;
  const vals = [t, h, ci && ci.lower, ci && ci.upper].filter((v) => v != null);
  const lo = Math.min(0, ...vals), hi = Math.max(0.0001, ...vals);
  const x = (v) => 110 + ((v - lo) / (hi - lo)) * 260;
  let s = '<svg width="100%" viewBox="0 0 430 70">';
  s += '<line x1="' + x(0) + '" y1="0" x2="' + x(0) + '" y2="66" stroke="#9ca3af" stroke-dasharray="3"/>';
  s += '<text x="0" y="12">treated</text>' + (t != null ? '<circle cx="' + x(t) + '" cy="8" r="5" fill="#3b82f6"/><text x="376" y="12">' + pct(t) + '</text>' : '');
  s += '<text x="0" y="34">holdout</text>' + (h != null ? '<circle cx="' + x(h) + '" cy="30" r="5" fill="#6b7280"/><text x="376" y="34">' + pct(h) + '</text>' : '');
  s += '<text x="0" y="56">lift (95% CI)</text>';
  if (ci) s += '<line x1="' + x(ci.lower) + '" y1="52" x2="' + x(ci.upper) + '" y2="52" stroke="#059669" stroke-width="3"/>' +
    '<circle cx="' + x(ci.estimate) + '" cy="52" r="5" fill="#059669"/><text x="376" y="56">' + pct(ci.estimate) + '</text>';
  return s + '</svg>';
}
function offerKinds(o) {
  return [...(o.percentDiscounts || []).map((p) => p + '% off'), ...(o.fixedCoupons || []).map((v) => 'coupon ' + v),
    o.freeShipping ? 'free shipping' : null, o.bundle ? 'bundle' : null, o.recommendation ? 'recommendation' : null].filter(Boolean).join(', ');
}
function card(c, r) {
  const b = r.budget;
  return '<section class="card"><h2>' + esc(c.name) + '<span class="status ' + esc(c.status) + '">' + esc(c.status) + '</span></h2>' +
    '<div class="muted">' + esc(c.id) + ' · offers: ' + esc(offerKinds(c.offerTypes || {})) + ' · holdout ' + pct(c.holdoutShare, 0) + '</div>' +
    '<div class="kpis"><div class="kpi"><b>' + fmt(b.offers) + '</b>offers</div><div class="kpi"><b>' + fmt(r.redemptions) + '</b>redeemed</div>' +
    '<div class="kpi"><b>' + fmt(r.redeemedRevenue, 0) + '</b>revenue</div><div class="kpi"><b>' +
    (r.incrementalConversions ? fmt(r.incrementalConversions.estimate, 1) : '–') + '</b>incremental conv.</div></div>' +
    '<svg width="100%" viewBox="0 0 430 40">' + bar('spend', b.reservedSpend, b.spendLimit, '#f59e0b', 0, fmt(b.reservedSpend, 0) + ' / ' + fmt(b.spendLimit, 0)) +
    bar('count', b.offers, b.countLimit, '#8b5cf6', 20, fmt(b.offers) + ' / ' + fmt(b.countLimit)) + '</svg>' +
    '<div class="muted">budget held: open ' + fmt(b.openSpend, 2) + ' · redeemed ' + fmt(b.redeemedSpend, 2) +
    ' · released so far ' + fmt(b.releasedSpend, 2) + ' (' + fmt(b.releasedOffers) + ' offers, ' + fmt(b.releasedUnreported) + ' with no outcome)' +
    (b.lateRedeemedOffers ? ' · redeemed after release ' + fmt(b.lateRedeemedSpend, 2) : '') + '</div>' +
    '<div class="muted">outcomes</div>' + funnel(r.outcomes || {}) +
    '<div class="muted">conversion, treated vs holdout (' + fmt(r.treated.customers) + ' / ' + fmt(r.holdout.customers) + ' customers)</div>' + lift(r) + '</section>';
}
const KEY = 'offerstream.apiKey';
async function api(path) {
  const key = sessionStorage.getItem(KEY);
  const res = await fetch(path, { headers: key ? { authorization: 'Bearer ' + key } : {} });
  if (res.status === 401 || res.status === 403) {
    document.getElementById('auth').hidden = false;
    throw new Error((await res.json()).message);
  }
  if (!res.ok) throw new Error(path + ': HTTP ' + res.status);
  return res.json();
}
async function refresh() {
  try {
    const campaigns = await api('campaigns');
    const reports = await Promise.all(campaigns.map((c) => api('campaigns/' + encodeURIComponent(c.id) + '/report')));
    document.getElementById('cards').innerHTML = campaigns.map((c, i) => card(c, reports[i])).join('') || '<p>No campaigns yet.</p>';
    document.getElementById('auth').hidden = true;
    document.getElementById('updated').textContent = 'updated ' + new Date().toLocaleTimeString();
  } catch (e) {
    document.getElementById('updated').textContent = 'error: ' + e.message;
  }
}
document.getElementById('use-key').addEventListener('click', () => {
  sessionStorage.setItem(KEY, document.getElementById('key').value.trim());
  document.getElementById('key').value = '';
  void refresh();
});
refresh(); setInterval(refresh, 3000);
`;
