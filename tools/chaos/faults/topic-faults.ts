import { allTopicNames, dlqTopicName, TOPICS } from '@offerstream/contracts';
import { sleep, type ChaosContext, type Fault } from '../chaos-context';
import type { ServiceName } from '../chaos-services';
import { sendPoison } from './poison-faults';

/**
 * The clickstream's DLQ topic deleted (auto-creation is off, as in production), then a poison event: no consumer
 * can dead-letter it. After `outageMs` an operator recreates the topic (tools/create-topics.ts does the same); the
 * poison must end up in the DLQ and nothing after it may be lost.
 */
export function deleteDlqTopic(outageMs = 10_000): Fault {
  return {
    name: 'delete-dlq-topic',
    async inject(ctx: ChaosContext) {
      const dlq = dlqTopicName(TOPICS.clickstream.name);
      await ctx.admin.deleteTopics({ topics: [dlq] });
      await sleep(1_000);
      await sendPoison(ctx, TOPICS.clickstream.name, [{ key: 'dlq-gone', value: Buffer.from('{"dlq":"gone"') }]);
      await sleep(outageMs);
      const spec = allTopicNames().find((t) => t.name === dlq);
      await ctx.admin.createTopics({
        waitForLeaders: true,
        topics: [
          {
            topic: dlq,
            numPartitions: spec?.partitions ?? 1,
            replicationFactor: 1,
            configEntries: [{ name: 'retention.ms', value: String(spec?.retentionMs ?? 1_209_600_000) }],
          },
        ],
      });
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
