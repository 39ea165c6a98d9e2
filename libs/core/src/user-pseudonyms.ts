import { createHmac } from 'node:crypto';

/** Shortest HMAC key accepted: the hash's own size, so the key is never the weak part. */
export const MIN_USER_ID_KEY_BYTES = 32;

/** The id fields of an event that name a person: the envelope's, and a payload's (offer requests, erasures). */
export interface SubjectFields {
  readonly userId?: string | undefined;
  readonly anonymousId?: string | undefined;
  readonly payload?: unknown;
}

/**
 * Keyed pseudonyms of user ids: `p<version>_` + the first 128 bits of HMAC-SHA256(key, id), base64url (22
 * characters, no `{}` so they sit in Redis hash tags). Applied once where an id enters the system (the Kafka
 * consumer of a topic that carries shop ids, POST /decisions, erasure, the console's lookup), so Redis keys and
 * values, decision records, offers and logs hold only the pseudonym; without the key it cannot be linked back to
 * the person. With no key configured (development only) ids pass unchanged. Configured by libs/platform
 * (loadUserPseudonyms: USER_ID_HMAC_KEY, its version, and the previous key during a rotation).
 */
export class UserPseudonyms {
  private readonly cache = new Map<string, string>();

  private constructor(
    private readonly key: Buffer | undefined,
    private readonly version: number,
    private readonly previous: UserPseudonyms | undefined,
  ) {}

  /** Ids unchanged: local development and tests that read state by the ids they sent. */
  static plain(): UserPseudonyms {
    return new UserPseudonyms(undefined, 0, undefined);
  }

  static keyed(key: string, version = 1, previousKey?: string): UserPseudonyms {
    const prev =
      previousKey === undefined ? undefined : new UserPseudonyms(Buffer.from(previousKey), version - 1, undefined);
    return new UserPseudonyms(Buffer.from(key), version, prev);
  }

  get enabled(): boolean {
    return this.key !== undefined;
  }

  /** The pseudonym of a raw id under the current key. */
  of(id: string): string {
    if (!this.key) return id;
    let p = this.cache.get(id);
    if (p === undefined) {
      p = `p${this.version}_${createHmac('sha256', this.key).update(id, 'utf8').digest('base64url').slice(0, 22)}`;
      // Bounded: a hot set of users is hashed once, an unbounded stream of new ids cannot grow the process.
      if (this.cache.size >= 100_000) this.cache.clear();
      this.cache.set(id, p);
    }
    return p;
  }

  /** Every pseudonym the id may have state under: the current key's, and the previous key's during a rotation. */
  all(id: string): string[] {
    return this.previous ? [this.of(id), this.previous.of(id)] : [this.of(id)];
  }

  /** The event with every id field that names a person replaced by its pseudonym (a copy; the input is untouched). */
  event<T extends SubjectFields>(e: T): T {
    if (!this.key) return e;
    const out: Record<string, unknown> = { ...(e as Record<string, unknown>) };
    if (e.userId !== undefined) out['userId'] = this.of(e.userId);
    if (e.anonymousId !== undefined) out['anonymousId'] = this.of(e.anonymousId);
    const p = e.payload;
    if (typeof p === 'object' && p !== null) {
      const payload: Record<string, unknown> = { ...(p as Record<string, unknown>) };
      if (typeof payload['userId'] === 'string') payload['userId'] = this.of(payload['userId']);
      if (Array.isArray(payload['anonymousIds'])) {
        payload['anonymousIds'] = (payload['anonymousIds'] as unknown[]).map((a) =>
          typeof a === 'string' ? this.of(a) : a,
        );
      }
      out['payload'] = payload;
    }
    return out as T;
  }
}
