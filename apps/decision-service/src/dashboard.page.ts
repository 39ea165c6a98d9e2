/**
 * The dashboard shell: no data and no inline script or style, so the Content-Security-Policy can forbid inline
 * script and an injected campaign name has nothing to run in. The data comes from the campaigns API, read by
 * dashboard.script.ts with the operator's `reader` key (kept in sessionStorage, sent as a Bearer header).
 * Self-contained on purpose (no build step, no CDN: the machines that run OfferStream may have no internet).
 */
export const DASHBOARD_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>OfferStream — campaigns</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="dashboard/app.css">
<script src="dashboard/app.js" defer></script>
</head><body>
<header><h1>OfferStream · campaigns</h1><span id="updated">loading…</span></header>
<div id="auth" class="auth" hidden><label for="key">API key with the reader role</label>
<input id="key" type="password" autocomplete="off"><button id="use-key" type="button">Use key</button></div>
<main id="cards"></main>
</body></html>`;

export const DASHBOARD_CSS = ` body{font:14px system-ui,sans-serif;margin:0;background:#f6f7f9;color:#1d2330}
 header{background:#1d2330;color:#fff;padding:12px 20px;display:flex;justify-content:space-between;align-items:center}
 header h1{font-size:18px;margin:0} header span{opacity:.7}
 .auth{padding:12px 20px;background:#fff7ed} .auth input{margin:0 8px;width:28em}
 main{display:grid;grid-template-columns:repeat(auto-fill,minmax(420px,1fr));gap:16px;padding:16px}
 .card{background:#fff;border-radius:8px;box-shadow:0 1px 3px rgba(0,0,0,.1);padding:14px 16px}
 .card h2{font-size:16px;margin:0 0 4px} .muted{color:#6b7280;font-size:12px}
 .status{display:inline-block;padding:1px 8px;border-radius:10px;font-size:12px;margin-left:6px}
 .active{background:#d1fae5;color:#065f46} .paused{background:#fee2e2;color:#991b1b} .draft,.ended{background:#e5e7eb}
 .kpis{display:grid;grid-template-columns:repeat(4,1fr);gap:8px;margin:10px 0}
 .kpi b{display:block;font-size:18px} .kpi{font-size:12px;color:#6b7280}
 svg text{font:11px system-ui,sans-serif;fill:#374151}
`;
