import { CachedFeatureSource } from './cached-feature.source';
import { InMemoryFeatureSource } from './in-memory-feature.source';

describe('cached feature source', () => {
  it('reuses item features within the TTL and sees catalogue changes after it', async () => {
    const inner = new InMemoryFeatureSource();
    inner.itemMap.set('a', { itemId: 'a', stock: 5 });
    let now = 0;
    const cached = new CachedFeatureSource(inner, 1000, 100, () => now);
    expect((await cached.items(['a', 'missing'])).get('a')?.stock).toBe(5);
    inner.itemMap.set('a', { itemId: 'a', stock: 0 });
    now = 999;
    expect((await cached.items(['a'])).get('a')?.stock).toBe(5);
    now = 1000;
    // Stale: served once more while a background read refreshes it.
    expect((await cached.items(['a'])).get('a')?.stock).toBe(5);
    await cached.settled();
    expect((await cached.items(['a'])).get('a')?.stock).toBe(0);
    expect((await cached.items(['missing'])).has('missing')).toBe(false);
  });

  it('reads synchronously an entry that is older than the stale limit', async () => {
    const inner = new InMemoryFeatureSource();
    inner.itemMap.set('a', { itemId: 'a', stock: 5 });
    let now = 0;
    const cached = new CachedFeatureSource(inner, 1000, 100, () => now);
    await cached.items(['a']);
    inner.itemMap.set('a', { itemId: 'a', stock: 0 });
    now = 5000;
    expect((await cached.items(['a'])).get('a')?.stock).toBe(0);
  });

  it('never caches user features', async () => {
    const inner = new InMemoryFeatureSource();
    const cached = new CachedFeatureSource(inner, 60_000);
    expect(await cached.user('u')).toBeUndefined();
    inner.users.set('u', { userId: 'u', segment: 'vip' });
    expect((await cached.user('u'))?.segment).toBe('vip');
  });

  it('stays bounded when more items are seen than it may hold', async () => {
    const inner = new InMemoryFeatureSource();
    for (let i = 0; i < 500; i++) inner.itemMap.set(`i${i}`, { itemId: `i${i}` });
    const cached = new CachedFeatureSource(inner, 60_000, 100);
    for (let i = 0; i < 500; i++) await cached.items([`i${i}`]);
    expect((await cached.items(['i499'])).size).toBe(1);
  });
});
