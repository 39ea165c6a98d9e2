import { createHash } from 'node:crypto';
import { ConfigError } from '@offerstream/core';

/**
 * `internal` opens no route by itself: it marks a caller inside OfferStream's trust boundary (another OfferStream
 * service, a load test, a replay or chaos tool), which answers for its own retries (POST /decisions without a
 * requestId). Shop-facing keys never hold it.
 */
export const ROLES = ['admin', 'decider', 'reader', 'metrics', 'internal'] as const;
export type Role = (typeof ROLES)[number];

/** A caller as the guard established it: the key's name (what audit logs record) and what it may do. */
export interface Caller {
  readonly name: string;
  readonly roles: ReadonlySet<Role>;
}

export interface ApiKeyEntry extends Caller {
  /** SHA-256 of the key, lower-case hex: the key itself is never stored or configured. */
  readonly sha256: string;
}

const HEX64 = /^[0-9a-f]{64}$/;
const NAME = /^[A-Za-z0-9._-]{1,64}$/;

export const hashApiKey = (key: string): string => createHash('sha256').update(key, 'utf8').digest('hex');

/**
 * Parses `name:role[+role]:sha256hex` entries separated by commas or new lines (`#` starts a comment line, for key
 * files). A malformed entry is a ConfigError naming `source` (the variable or file) and the entry's position, never
 * its hash, so that a typo cannot silently drop a key.
 */
export function parseApiKeys(text: string, source: string): ApiKeyEntry[] {
  const entries = text
    .split(/[,\n]/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0 && !s.startsWith('#'));
  const names = new Set<string>();
  return entries.map((entry, i) => {
    const [name = '', roleList = '', hash = '', ...rest] = entry.split(':');
    const where = `entry ${i + 1}`;
    if (rest.length > 0 || !NAME.test(name))
      throw new ConfigError(source, `${where}: expected name:role[+role]:sha256hex with a name of [A-Za-z0-9._-]`);
    const roles = roleList.split('+').map((r) => r.trim());
    const unknown = roles.filter((r) => !(ROLES as readonly string[]).includes(r));
    if (unknown.length > 0 || roles.length === 0)
      throw new ConfigError(
        source,
        `${where} (${name}): unknown role "${unknown.join('+')}"; roles are ${ROLES.join(', ')}`,
      );
    const sha256 = hash.toLowerCase();
    if (!HEX64.test(sha256))
      throw new ConfigError(source, `${where} (${name}): the third part must be the key's SHA-256 as 64 hex digits`);
    if (names.has(name)) throw new ConfigError(source, `${where}: key name ${name} appears twice`);
    names.add(name);
    return { name, roles: new Set(roles as Role[]), sha256 };
  });
}

/** Keys by hash: a presented key is hashed once and looked up, so no comparison ever touches a stored secret. */
export class ApiKeyRing {
  private readonly byHash: ReadonlyMap<string, ApiKeyEntry>;

  constructor(entries: readonly ApiKeyEntry[]) {
    this.byHash = new Map(entries.map((e) => [e.sha256, e]));
  }

  get size(): number {
    return this.byHash.size;
  }

  find(presented: string): ApiKeyEntry | undefined {
    return this.byHash.get(hashApiKey(presented));
  }
}
