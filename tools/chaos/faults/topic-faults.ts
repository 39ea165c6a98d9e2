import { allTopicNames, dlqTopicName, TOPICS } from '@offerstream/contracts';
import { sleep, type ChaosContext, type Fault } from '../chaos-context';
import type { ServiceName } from '../chaos-services';
import { sendPoison } from './poison-faults';

/**
 * Deletes a topic, runs `during`, waits, and recreates it as tools/create-topics.ts would (same partitions, retention).
 */
async function withTopicGone(
  ctx: ChaosContext,
  topic: string,
  outageMs: number,
  during: () => Promise<void>,
): Promise<void> {
  const spec = allTopicNames().find((t) => t.name === topic);
  if (!spec) throw new Error(`${topic} is not a topic of the contract`);
  await ctx.admin.deleteTopics({ topics: [topic] });
  await sleep(1_000);
  await during();
  await sleep(outageMs);
  await ctx.admin.createTopics({
    waitForLeaders: true,
    topics: [
      {
        topic,
        numPartitions: spec.partitions,
        replicationFactor: 1,
        configEntries: [{ name: 'retention.ms', value: String(spec.retentionMs) }],
      },
    ],
  });
}

/**
 * The clickstream's DLQ topic deleted (auto-creation is off, as in production), then a poison event: no consumer
 * can dead-letter it. After `outageMs` an operator recreates the topic; the poison must end up in the DLQ and
 * nothing after it may be lost.
 */
export function deleteDlqTopic(outageMs = 10_000): Fault {
  return {
    name: 'delete-dlq-topic',
    async inject(ctx: ChaosContext) {
      const dlq = dlqTopicName(TOPICS.clickstream.name);
      await withTopicGone(ctx, dlq, outageMs, () =>
        sendPoison(ctx, TOPICS.clickstream.name, [{ key: 'dlq-gone', value: Buffer.from('{"dlq":"gone"') }]),
      );
      return { detail: `${dlq} missing for ${outageMs} ms with a poison event waiting to be dead-lettered` };
    },
  };
}

/**
 * A consumer group's offsets reset to the earliest (the service stopped first, as Kafka requires): the whole log
 * is read again and must not be applied again.
 */
export function resetOffsets(service: ServiceName, group: string, topic: string): Fault {
  return {
    name: `reset-offsets-${group}`,
    async inject(ctx: ChaosContext) {
      await ctx.services.kill(service, 'SIGTERM');
      await ctx.admin.resetOffsets({ groupId: group, topic, earliest: true });
      const healedAt = Date.now();
      await ctx.services.restart(service);
      return { healedAt, detail: `${group} on ${topic} reset to the earliest offsets` };
    },
  };
}
