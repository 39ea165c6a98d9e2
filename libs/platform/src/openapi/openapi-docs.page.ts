/**
 * The API docs page (GET /docs): static markup, a stylesheet and a script served from this origin, so the strict CSP
 * (no inline script or style) holds. The script fetches /openapi.json and builds the page with DOM calls and
 * textContent only: nothing from the document is ever parsed as HTML.
 */
export const OPENAPI_DOCS_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>API reference</title>
<link rel="stylesheet" href="/docs/openapi-docs.css">
<script src="/docs/openapi-docs.js" defer></script>
</head>
<body>
<header><h1 id="title">API reference</h1><p id="description"></p><p>Machine-readable: <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1)</p></header>
<main id="operations"><p>Loading…</p></main>
</body>
</html>
`;

export const OPENAPI_DOCS_CSS = `body { font: 14px/1.45 system-ui, sans-serif; margin: 0 auto; max-width: 980px; padding: 1rem 1.5rem; color: #1f2937; }
h1 { margin-bottom: 0.2rem; }
section.op { border: 1px solid #d1d5db; border-radius: 6px; margin: 0.8rem 0; padding: 0.6rem 0.9rem; }
.method { display: inline-block; min-width: 4.5rem; font-weight: 700; text-transform: uppercase; }
.get { color: #2563eb; } .post { color: #059669; } .put, .patch { color: #b45309; } .delete { color: #dc2626; }
.path { font-family: ui-monospace, monospace; font-size: 15px; }
.roles { color: #6b7280; margin-left: 0.6rem; }
pre { background: #f3f4f6; padding: 0.5rem; overflow-x: auto; font-size: 12px; }
summary { cursor: pointer; }
table { border-collapse: collapse; } td, th { text-align: left; padding: 0.15rem 0.6rem 0.15rem 0; vertical-align: top; }
`;

export const OPENAPI_DOCS_JS = `'use strict';
function el(tag, text, cls) {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  if (cls) e.className = cls;
  return e;
}
function schemaBlock(title, schema) {
  const d = el('details');
  d.append(el('summary', title), el('pre', JSON.stringify(schema, null, 2)));
  return d;
}
function operation(path, method, op) {
  const s = el('section', undefined, 'op');
  const h = el('h3');
  h.append(el('span', method, 'method ' + method), el('span', path, 'path'));
  const roles = op['x-roles'] || [];
  h.append(el('span', roles.length ? 'roles: ' + roles.join(', ') : 'open', 'roles'));
  s.append(h, el('p', op.summary || ''));
  if (op.description) s.append(el('p', op.description));
  if (op.parameters && op.parameters.length) {
    const t = el('table');
    const head = el('tr');
    head.append(el('th', 'parameter'), el('th', 'in'), el('th', 'required'), el('th', 'schema'));
    t.append(head);
    for (const p of op.parameters) {
      const r = el('tr');
      r.append(el('td', p.name), el('td', p.in), el('td', p.required ? 'yes' : 'no'), el('td', JSON.stringify(p.schema)));
      t.append(r);
    }
    s.append(t);
  }
  const body = op.requestBody && op.requestBody.content['application/json'];
  if (body) s.append(schemaBlock('request body', body.schema));
  for (const [status, r] of Object.entries(op.responses || {})) {
    const content = r.content ? Object.entries(r.content)[0] : undefined;
    s.append(schemaBlock(status + ' ' + r.description + (content ? ' (' + content[0] + ')' : ''), content ? content[1].schema : {}));
  }
  return s;
}
async function main() {
  const main = document.getElementById('operations');
  try {
    const res = await fetch('/openapi.json', { headers: { accept: 'application/json' } });
    if (!res.ok) throw new Error('GET /openapi.json answered ' + res.status);
    const doc = await res.json();
    document.getElementById('title').textContent = doc.info.title + ' ' + doc.info.version;
    document.getElementById('description').textContent = doc.info.description || '';
    document.title = doc.info.title;
    main.replaceChildren();
    for (const [path, ops] of Object.entries(doc.paths)) for (const [m, op] of Object.entries(ops)) main.append(operation(path, m, op));
  } catch (e) {
    main.replaceChildren(el('p', 'Could not load the API description: ' + e.message));
  }
}
main();
`;
