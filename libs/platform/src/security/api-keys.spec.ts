import { ConfigError } from '@offerstream/core';
import { ApiKeyRing, hashApiKey, parseApiKeys } from './api-keys';

const ADMIN_HASH = hashApiKey('s3cret-admin');
const READER_HASH = hashApiKey('s3cret-reader');

describe('API key lists', () => {
  it('hashes a key to the SHA-256 hex that sha256sum prints', () => {
    // printf %s abc | sha256sum
    expect(hashApiKey('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('parses names, several roles and upper-case hashes from a comma or line separated list', () => {
    const keys = parseApiKeys(
      `ops:admin+reader:${ADMIN_HASH.toUpperCase()},\n# rotated 2026-12\nshop:decider:${READER_HASH}`,
      'API_KEYS',
    );
    expect(keys.map((k) => [k.name, [...k.roles], k.sha256])).toEqual([
      ['ops', ['admin', 'reader'], ADMIN_HASH],
      ['shop', ['decider'], READER_HASH],
    ]);
  });

  it.each([
    ['an unknown role', `ops:root:${ADMIN_HASH}`, /unknown role "root"/],
    ['a key given in clear instead of its hash', 'ops:admin:s3cret-admin', /SHA-256 as 64 hex digits/],
    ['a missing part', 'ops:admin', /SHA-256/],
    ['a name used twice', `ops:admin:${ADMIN_HASH},ops:reader:${READER_HASH}`, /appears twice/],
    ['an extra part', `ops:admin:${ADMIN_HASH}:x`, /expected name:role/],
  ])('refuses %s, naming the variable but not the hash', (_, text, message) => {
    const parse = (): unknown => parseApiKeys(text, 'API_KEYS');
    expect(parse).toThrow(ConfigError);
    expect(parse).toThrow(message);
    expect(parse).toThrow(/^API_KEYS: /);
    try {
      parse();
    } catch (e) {
      expect(String(e)).not.toContain(ADMIN_HASH);
    }
  });

  it('finds the caller of a presented key by its hash and nobody for any other string', () => {
    const ring = new ApiKeyRing(parseApiKeys(`ops:admin:${ADMIN_HASH},viewer:reader:${READER_HASH}`, 'API_KEYS'));
    expect(ring.find('s3cret-reader')?.name).toBe('viewer');
    expect(ring.find('s3cret-admin')?.roles.has('admin')).toBe(true);
    expect(ring.find(ADMIN_HASH)).toBeUndefined();
    expect(ring.find('')).toBeUndefined();
  });
});
