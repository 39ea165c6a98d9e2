import type { z } from 'zod';
import type { Admin, Consumer, Kafka } from 'kafkajs';
import { TOPICS, decodeEvent, type DecisionRecord, type TopicSpec } from '@offerstream/contracts';
import { EventProducer } from '@offerstream/kafka';

const CHUNK = 500;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * The simulator's side of Kafka: it produces as a shop would (validated, keyed by user), reads every decision the
 * service logs, and can wait until given consumer groups have read everything produced so far.
 */
export class SimulationBus {
  private readonly producer: EventProducer;
  private readonly consumer: Consumer;
  private readonly admin: Admin;
  private readonly decisions = new Map<string, DecisionRecord>();

  constructor(
    private readonly kafka: Kafka,
    private readonly topicPrefix: string,
    groupId: string,
  ) {
    this.producer = new EventProducer(kafka, topicPrefix);
    this.consumer = kafka.consumer({ groupId, sessionTimeout: 30_000 });
    this.admin = kafka.admin();
  }

  async start(): Promise<void> {
    await Promise.all([this.producer.connect(), this.consumer.connect(), this.admin.connect()]);
    await this.consumer.subscribe({ topic: this.topicPrefix + TOPICS.decisions.name, fromBeginning: true });
    await this.consumer.run({
      eachMessage: async ({ message }) => {
        const d = decodeEvent(TOPICS.decisions, message.value);
        if (d.ok) this.decisions.set(d.event.payload.trigger.id, d.event.payload);
      },
    });
  }

  async stop(): Promise<void> {
    await Promise.allSettled([this.consumer.disconnect(), this.producer.disconnect(), this.admin.disconnect()]);
  }

  async publish<S extends z.ZodType>(
    spec: TopicSpec<S>,
    events: readonly { key: string; event: z.input<S> }[],
  ): Promise<void> {
    for (let i = 0; i < events.length; i += CHUNK) await this.producer.send(spec, events.slice(i, i + CHUNK));
  }

  decision(triggerId: string): DecisionRecord | undefined {
    return this.decisions.get(triggerId);
  }

  /** Waits until every trigger has its decision on the decisions topic; resolves with how many are still missing. */
  async waitDecisions(
    triggerIds: readonly string[],
    timeoutMs: number,
    progress?: (seen: number) => void,
  ): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    let missing = triggerIds.length;
    let lastReport = 0;
    while (Date.now() < deadline) {
      missing = triggerIds.reduce((n, id) => n + (this.decisions.has(id) ? 0 : 1), 0);
      if (missing === 0) return 0;
      if (progress && Date.now() - lastReport > 5_000) {
        progress(triggerIds.length - missing);
        lastReport = Date.now();
      }
      await sleep(250);
    }
    return missing;
  }

  /**
   * Waits until each consumer group has committed up to the end of its topic (what it must have read before the
   * next step makes sense: features before requests, outcomes before the report). Resolves false on timeout.
   */
  async waitCaughtUp(
    groups: readonly { groupId: string; spec: Pick<TopicSpec, 'name'> }[],
    timeoutMs: number,
  ): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      let behind = false;
      for (const g of groups) {
        const topic = this.topicPrefix + g.spec.name;
        const [ends, committed] = await Promise.all([
          this.admin.fetchTopicOffsets(topic),
          this.admin.fetchOffsets({ groupId: g.groupId, topics: [topic] }),
        ]);
        const at = new Map((committed[0]?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
        behind ||= ends.some((e) => Number(e.high) > 0 && (at.get(e.partition) ?? -1) < Number(e.high));
      }
      if (!behind) return true;
      await sleep(500);
    }
    return false;
  }
}
