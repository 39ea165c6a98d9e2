// Validates Kubernetes objects against the schemas bundled in kubernetes-models (Kubernetes v1.34) and
// @kubernetes-models/keda (KEDA CRDs). A separate ES module because both packages are ESM-only and Jest runs
// the tests as CommonJS. Reads a JSON array of objects on stdin; prints one JSON line per object:
// {"kind","name","ok","error"?}.
const chunks = [];
for await (const c of process.stdin) chunks.push(c);
const objects = JSON.parse(Buffer.concat(chunks).toString('utf8'));

async function modelClass(apiVersion, kind) {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  const spec = group.endsWith('keda.sh')
    ? `@kubernetes-models/keda/${group}/${version}`
    : group === ''
      ? `kubernetes-models/${version}`
      : `kubernetes-models/${group}/${version}`;
  const mod = await import(spec);
  const cls = mod[kind];
  if (typeof cls !== 'function') throw new Error(`no schema for ${apiVersion} ${kind}`);
  return cls;
}

let failed = 0;
for (const obj of objects) {
  const line = { kind: obj.kind, name: obj.metadata?.name, ok: true };
  try {
    const Model = await modelClass(obj.apiVersion, obj.kind);
    new Model(obj).validate();
  } catch (error) {
    line.ok = false;
    line.error = String(error instanceof Error ? error.message : error);
    failed++;
  }
  process.stdout.write(JSON.stringify(line) + '\n');
}
process.exitCode = failed > 0 ? 1 : 0;
