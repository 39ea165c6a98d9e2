import { RedisKeys, type RedisClient } from '@offerstream/redis';

export interface AuditEntry {
  /** The API key name of the caller (`local-dev` when AUTH_MODE=off). */
  readonly actor: string;
  readonly action: string;
  readonly target: string;
  readonly before: unknown;
  readonly after: unknown;
}

export interface AuditRecord extends AuditEntry {
  readonly id: string;
  readonly at: string;
}

/**
 * Append-only record of administrative changes (who, when, before and after) in a Redis stream, capped so it cannot
 * fill Redis; ship it elsewhere for longer retention (docs/security.md).
 */
export class AuditLog {
  constructor(
    private readonly redis: RedisClient,
    private readonly maxEntries = 100_000,
  ) {}

  async record(entry: AuditEntry, at = new Date()): Promise<void> {
    await this.redis.xadd(
      RedisKeys.audit.log(),
      'MAXLEN',
      '~',
      String(this.maxEntries),
      '*',
      'at',
      at.toISOString(),
      'actor',
      entry.actor,
      'action',
      entry.action,
      'target',
      entry.target,
      'before',
      JSON.stringify(entry.before ?? null),
      'after',
      JSON.stringify(entry.after ?? null),
    );
  }

  /** The newest entries first. */
  async recent(count = 100): Promise<AuditRecord[]> {
    const rows = await this.redis.xrevrange(RedisKeys.audit.log(), '+', '-', 'COUNT', count);
    return rows.map(([id, fields]) => {
      const f = new Map<string, string>();
      for (let i = 0; i + 1 < fields.length; i += 2) f.set(fields[i]!, fields[i + 1]!);
      return {
        id,
        at: f.get('at') ?? '',
        actor: f.get('actor') ?? '',
        action: f.get('action') ?? '',
        target: f.get('target') ?? '',
        before: JSON.parse(f.get('before') ?? 'null') as unknown,
        after: JSON.parse(f.get('after') ?? 'null') as unknown,
      };
    });
  }
}
