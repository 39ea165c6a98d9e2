import { z } from 'zod';
import { CONTRACT_VERSION } from './envelope.schema';
import { dlqTopicName, DLQ_RETENTION_MS, TOPICS } from './topics';

/** JSON Schema (draft 2020-12) of every topic's events, for producers written in other languages. */
export function topicJsonSchemas(): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const t of Object.values(TOPICS)) {
    out[t.name] = {
      $id: `https://offerstream.dev/schemas/${t.name}.json`,
      title: t.name,
      description: t.description,
      ...z.toJSONSchema(t.schema, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' }),
    };
  }
  return out;
}

/** AsyncAPI 3 document: every topic with its key, partitions, retention, schema, producers and consumers. */
export function asyncApiDocument(): Record<string, unknown> {
  const channels: Record<string, unknown> = {};
  const operations: Record<string, unknown> = {};
  const messages: Record<string, unknown> = {};
  for (const [id, t] of Object.entries(TOPICS)) {
    messages[id] = {
      name: id,
      contentType: 'application/json',
      payload: { $ref: `./contracts/${t.name}.schema.json` },
      bindings: { kafka: { key: { type: 'string', description: t.key } } },
    };
    channels[id] = {
      address: t.name,
      description: t.description,
      messages: { [id]: { $ref: `#/components/messages/${id}` } },
      bindings: {
        kafka: {
          topic: t.name,
          partitions: t.partitions,
          replicas: 1,
          topicConfiguration: { 'retention.ms': t.retentionMs, 'cleanup.policy': ['delete'] },
        },
      },
      'x-partition-key': t.key,
      'x-producers': t.producers,
      'x-consumers': t.consumers,
      'x-dead-letter-topic': { name: dlqTopicName(t.name), partitions: 1, 'retention.ms': DLQ_RETENTION_MS },
    };
    operations[`publish-${id}`] = { action: 'send', channel: { $ref: `#/channels/${id}` }, 'x-by': t.producers };
    operations[`consume-${id}`] = { action: 'receive', channel: { $ref: `#/channels/${id}` }, 'x-by': t.consumers };
  }
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'OfferStream event contracts',
      version: CONTRACT_VERSION,
      description:
        'Topics of OfferStream. Within a major version (the topic suffix) changes are additive only: new optional ' +
        'fields and new event types. Consumers must ignore fields and event types they do not know.',
    },
    defaultContentType: 'application/json',
    servers: { local: { host: '127.0.0.1:9092', protocol: 'kafka', description: 'scripts/stack.sh up' } },
    channels,
    operations,
    components: { messages },
  };
}
