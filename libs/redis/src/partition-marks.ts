import { RedisKeys } from './redis-keys';
import type { RedisClient } from './redis.config';

/**
 * The batch consumers' partition marks in Redis, beside the state they vouch for (same Redis, same persistence):
 * a rollback of one is a rollback of the other. Structurally a libs/kafka PartitionMarkStore (data-access libs do
 * not import each other; libs/platform hands it to every consumer).
 */
export class RedisPartitionMarks {
  constructor(private readonly redis: RedisClient) {}

  async read(
    group: string,
    topic: string,
    partition: number,
  ): Promise<{ offset: string; fingerprint: string } | undefined> {
    const [offset, fingerprint] = await this.redis.hmget(
      RedisKeys.consumerMark(group, topic, partition),
      'offset',
      'fingerprint',
    );
    return offset && fingerprint ? { offset, fingerprint } : undefined;
  }

  async write(
    group: string,
    topic: string,
    partition: number,
    mark: { readonly offset: string; readonly fingerprint: string },
  ): Promise<void> {
    await this.redis.hset(
      RedisKeys.consumerMark(group, topic, partition),
      'offset',
      mark.offset,
      'fingerprint',
      mark.fingerprint,
    );
  }
}
