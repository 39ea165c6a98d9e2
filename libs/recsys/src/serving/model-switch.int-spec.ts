import { RedisKeys } from '@offerstream/redis';
import { isolatedEnv, seededRandom, type IsolatedEnv } from '@offerstream/testing';
import { ModelPublisher } from '../model-store/model.publisher';
import type { GraphModelArtifact } from '../worker/graph-model.types';
import { recommendForUser } from './artifact-recommend';
import { GnnCandidateReader, type CandidateResult } from './gnn-candidate.reader';

const USERS = 60;
const ITEMS = 400;
const DIMS = 16;

/** A graph-filter-shaped artifact with random numbers: every version scores differently, so a mix would show. */
function randomVersion(seed: number): { artifact: GraphModelArtifact; pairs: [string, string][] } {
  const rnd = seededRandom(seed);
  const indptr = new Int32Array(USERS + 1);
  const indices: number[] = [];
  const pairs: [string, string][] = [];
  for (let u = 0; u < USERS; u++) {
    const items = new Set(Array.from({ length: 3 + Math.floor(rnd() * 10) }, () => Math.floor(rnd() * ITEMS)));
    for (const i of [...items].sort((a, b) => a - b)) {
      indices.push(i);
      pairs.push([`u${u}`, `i${i}`]);
    }
    indptr[u + 1] = indices.length;
  }
  const gauss = (): number => rnd() * 2 - 1;
  const artifact: GraphModelArtifact = {
    method: 'graph-filter',
    version: `test-${seed}`,
    userIds: Array.from({ length: USERS }, (_, u) => `u${u}`),
    itemIds: Array.from({ length: ITEMS }, (_, i) => `i${i}`),
    dims: DIMS,
    userEmb: Float32Array.from({ length: USERS * DIMS }, gauss),
    itemEmb: Float32Array.from({ length: ITEMS * DIMS }, gauss),
    foldInEmb: Float32Array.from({ length: ITEMS * DIMS }, gauss),
    foldInMode: 'sum',
    normalized: { indptr, indices: Int32Array.from(indices), values: Float32Array.from(indices, () => rnd()) },
    metrics: {},
  };
  return { artifact, pairs };
}

describe('model version switch', () => {
  let ctx: IsolatedEnv;

  beforeEach(async () => {
    ctx = await isolatedEnv();
  });

  afterEach(async () => {
    await ctx.close();
  });

  it('never serves a mix of versions to readers querying during several switches', async () => {
    const publisher = new ModelPublisher(ctx.redis, 150);
    const versions = new Map<string, GraphModelArtifact>();
    const first = randomVersion(1);
    versions.set(
      (await publisher.publish(first.artifact, { pairs: first.pairs, trainSeconds: 0 })).version,
      first.artifact,
    );

    let publishing = true;
    const answers: CandidateResult[] = [];
    const reader = async (id: number): Promise<void> => {
      // Each reader has its own cache, like separate service instances.
      const r = new GnnCandidateReader(ctx.redis, undefined, 2);
      for (let k = 0; publishing; k++) answers.push(await r.candidates(`u${(id * 7 + k) % USERS}`, 15));
    };
    const readers = Array.from({ length: 4 }, (_, id) => reader(id));
    for (let s = 2; s <= 7; s++) {
      const next = randomVersion(s);
      versions.set(
        (await publisher.publish(next.artifact, { pairs: next.pairs, trainSeconds: 0 })).version,
        next.artifact,
      );
      await new Promise((r) => setTimeout(r, 120));
    }
    publishing = false;
    await Promise.all(readers);

    const served = new Set(answers.map((a) => a.version));
    expect(served.size).toBeGreaterThanOrEqual(4);
    expect(answers.length).toBeGreaterThan(100);
    for (const a of answers) {
      const artifact = versions.get(a.version);
      expect(artifact).toBeDefined();
      if (artifact === undefined) continue;
      // The reference is recsys's own in-memory serving of that one version.
      const want = recommendForUser(artifact, { userIndex: artifact.userIds.indexOf(a.userId) }, 15);
      expect(a.candidates.map((c) => c.itemId)).toEqual(want.itemIds);
      a.candidates.forEach((c, k) => expect(c.score).toBeCloseTo(want.scores[k] ?? NaN, 4));
    }
    // Replaced versions are deleted after the grace period; the active one stays.
    await new Promise((r) => setTimeout(r, 200));
    await publisher.deleteRetired();
    const active = await ctx.redis.get(RedisKeys.gnn.activeVersion());
    expect(await ctx.redis.zrange(RedisKeys.gnn.versions(), 0, -1)).toEqual([active]);
    expect(await ctx.redis.exists(RedisKeys.gnn.itemEmbedding('v1'), RedisKeys.gnn.userEmbedding('v1'))).toBe(0);
  });
});
