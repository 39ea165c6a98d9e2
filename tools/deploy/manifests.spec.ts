import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { ENVIRONMENTS, type Environment } from './environments';
import { renderObjects, renderYaml, renderedPath, type Manifest } from './render';

interface ValidationLine {
  kind: string;
  name: string;
  ok: boolean;
  error?: string;
}

/** Runs the ESM validator (kubernetes-models and the KEDA CRD schemas) on the given objects. */
function validate(objects: readonly unknown[]): { status: number | null; lines: ValidationLine[] } {
  const result = spawnSync(process.execPath, [join(__dirname, 'validate-schemas.mjs')], {
    input: JSON.stringify(objects),
    encoding: 'utf8',
  });
  const lines = result.stdout
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as ValidationLine);
  return { status: result.status, lines };
}

type Obj = Manifest & Record<string, unknown>;
const asObj = (m: Manifest): Obj => m as Obj;
// Walks a plain object by keys; the shapes are our own rendered manifests.
const at = (o: unknown, ...keys: string[]): unknown =>
  keys.reduce<unknown>(
    (v, k) => (v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined),
    o,
  );

interface PodSpecOf {
  owner: string;
  spec: Record<string, unknown>;
}

function podSpecs(objects: readonly Manifest[]): PodSpecOf[] {
  return objects
    .filter((m) => m.kind === 'Deployment' || m.kind === 'Job')
    .map((m) => ({
      owner: `${m.kind}/${m.metadata?.name}`,
      spec: at(m, 'spec', 'template', 'spec') as Record<string, unknown>,
    }));
}

describe.each(Object.values(ENVIRONMENTS))('the $name manifests', (env: Environment) => {
  const objects = renderObjects(env);

  it('are committed as rendered (deploy/k8s/<env>.yaml is not stale)', () => {
    expect(readFileSync(renderedPath(env.name), 'utf8')).toBe(renderYaml(env));
  });

  it('parse back from the committed YAML to the same objects', () => {
    const docs = parseAllDocuments(readFileSync(renderedPath(env.name), 'utf8')).map((d) => d.toJS() as unknown);
    expect(docs).toEqual(JSON.parse(JSON.stringify(objects)));
  });

  it('validate every object against the pinned Kubernetes and KEDA schemas', () => {
    const { status, lines } = validate(objects);
    expect(lines.filter((l) => !l.ok)).toEqual([]);
    expect(lines).toHaveLength(objects.length);
    expect(status).toBe(0);
  });

  it('put every namespaced object in the environment namespace, labelled restricted', () => {
    const ns = objects.find((m) => m.kind === 'Namespace');
    expect(at(ns, 'metadata', 'labels', 'pod-security.kubernetes.io/enforce')).toBe('restricted');
    for (const m of objects.filter((o) => o.kind !== 'Namespace')) expect(m.metadata?.namespace).toBe(env.namespace);
  });

  it('meet Pod Security restricted and the hardening rules in every pod', () => {
    const pods = podSpecs(objects);
    expect(pods.length).toBeGreaterThanOrEqual(5);
    for (const { owner, spec } of pods) {
      const where = { owner };
      expect({ ...where, automount: spec['automountServiceAccountToken'] }).toEqual({ ...where, automount: false });
      expect({ ...where, nonRoot: at(spec, 'securityContext', 'runAsNonRoot') }).toEqual({ ...where, nonRoot: true });
      expect(at(spec, 'securityContext', 'runAsUser')).not.toBe(0);
      expect(at(spec, 'securityContext', 'seccompProfile', 'type')).toBe('RuntimeDefault');
      expect(spec['hostNetwork'] ?? false).toBe(false);
      expect(spec['hostPID'] ?? false).toBe(false);
      expect(spec['hostIPC'] ?? false).toBe(false);
      for (const v of (spec['volumes'] ?? []) as Record<string, unknown>[]) expect(v['hostPath']).toBeUndefined();
      for (const c of spec['containers'] as Record<string, unknown>[]) {
        const sc = c['securityContext'];
        expect({ ...where, escalation: at(sc, 'allowPrivilegeEscalation') }).toEqual({ ...where, escalation: false });
        expect(at(sc, 'privileged') ?? false).toBe(false);
        expect(at(sc, 'readOnlyRootFilesystem')).toBe(true);
        expect(at(sc, 'capabilities', 'drop')).toEqual(['ALL']);
        expect(at(sc, 'capabilities', 'add')).toBeUndefined();
        for (const k of ['requests', 'limits']) {
          expect(at(c, 'resources', k, 'cpu')).toEqual(expect.any(String));
          expect(at(c, 'resources', k, 'memory')).toEqual(expect.any(String));
        }
        expect(String(c['image'])).not.toMatch(/:latest$/);
        if (env.name === 'prod') expect(String(c['image'])).toMatch(/@sha256:[0-9a-f]{64}$/);
        for (const p of (c['ports'] ?? []) as Record<string, unknown>[]) expect(p['hostPort']).toBeUndefined();
      }
    }
  });

  it('keep credentials out of ConfigMaps and read them from Secrets', () => {
    for (const cm of objects.filter((m) => m.kind === 'ConfigMap')) {
      const keys = Object.keys(at(cm, 'data') ?? {});
      expect(keys.filter((k) => /PASSWORD|SECRET|TOKEN|SASL|USERNAME|KEY$/.test(k))).toEqual([]);
      for (const v of Object.values((at(cm, 'data') ?? {}) as Record<string, string>))
        expect(v).not.toMatch(/\/\/[^/]*:[^/]*@/);
    }
    const refs = podSpecs(objects).flatMap(({ spec }) =>
      (spec['containers'] as Record<string, unknown>[]).flatMap((c) => (c['env'] ?? []) as Record<string, unknown>[]),
    );
    const secretVars = refs.filter((e) => at(e, 'valueFrom', 'secretKeyRef') !== undefined).map((e) => e['name']);
    if (env.credentials) {
      expect(new Set(secretVars)).toEqual(
        new Set([
          'USER_ID_HMAC_KEY',
          'GNN_CANDIDATES_API_KEY',
          'KAFKA_SASL_MECHANISM',
          'KAFKA_SASL_USERNAME',
          'KAFKA_SASL_PASSWORD',
          'REDIS_USERNAME',
          'REDIS_PASSWORD',
        ]),
      );
    } else expect(new Set(secretVars)).toEqual(new Set(['USER_ID_HMAC_KEY', 'GNN_CANDIDATES_API_KEY']));
    for (const e of refs.filter((r) => /PASSWORD|USERNAME|SASL/.test(String(r['name']))))
      expect(e['value']).toBeUndefined();
  });

  it('put a PodDisruptionBudget only over workloads that keep at least two pods', () => {
    for (const pdb of objects.filter((m) => m.kind === 'PodDisruptionBudget')) {
      const name = pdb.metadata?.name;
      const scaled = objects.find((m) => m.kind === 'ScaledObject' && m.metadata?.name === name);
      const deployment = objects.find((m) => m.kind === 'Deployment' && m.metadata?.name === name);
      const floor = (at(scaled, 'spec', 'minReplicaCount') ?? at(deployment, 'spec', 'replicas')) as number;
      expect({ name, floor: floor >= 2 }).toEqual({ name, floor: true });
    }
  });

  it('deny all traffic by default and expose only the decision service outside the namespace', () => {
    const policies = objects.filter((m) => m.kind === 'NetworkPolicy').map(asObj);
    const deny = policies.find((p) => p.metadata?.name === 'default-deny');
    expect(at(deny, 'spec', 'podSelector')).toEqual({});
    expect(at(deny, 'spec', 'policyTypes')).toEqual(['Ingress', 'Egress']);
    const fromOutside = policies.flatMap((p) =>
      ((at(p, 'spec', 'ingress') ?? []) as Record<string, unknown>[]).flatMap((rule) =>
        ((rule['from'] ?? []) as Record<string, unknown>[])
          .filter(
            (peer) =>
              at(peer, 'namespaceSelector', 'matchLabels', 'kubernetes.io/metadata.name') !== env.monitoringNamespace,
          )
          .filter((peer) => peer['namespaceSelector'] !== undefined || peer['ipBlock'] !== undefined)
          .map(() => at(p, 'spec', 'podSelector', 'matchLabels', 'app.kubernetes.io/name')),
      ),
    );
    expect(fromOutside).toEqual(['decision-service']);
    const toInfra = policies.filter((p) =>
      ((at(p, 'spec', 'egress') ?? []) as Record<string, unknown>[]).some((rule) =>
        ((rule['to'] ?? []) as Record<string, unknown>[]).some(
          (peer) => at(peer, 'namespaceSelector', 'matchLabels', 'kubernetes.io/metadata.name') === env.infraNamespace,
        ),
      ),
    );
    expect(toInfra.map((p) => at(p, 'spec', 'podSelector'))).toEqual([
      { matchLabels: { 'offerstream.io/data-access': 'true' } },
    ]);
  });
});

describe('the schema validation', () => {
  it('rejects an object that breaks the schema, so a pass means something', () => {
    const [ns] = renderObjects(ENVIRONMENTS.prod);
    const broken = [
      { ...ns, metadata: { name: 42 } },
      { apiVersion: 'keda.sh/v1alpha1', kind: 'ScaledObject', spec: {} },
    ];
    const { status, lines } = validate(broken);
    expect(lines.map((l) => l.ok)).toEqual([false, false]);
    expect(status).toBe(1);
  });

  it('is what npm run deploy:render --check relies on: the renderer reports no stale file', () => {
    const out = execFileSync(
      process.execPath,
      [join(__dirname, '..', 'run-ts.cjs'), join(__dirname, 'render.ts'), '--check'],
      {
        encoding: 'utf8',
      },
    );
    expect(out).toBe('');
  });
});
