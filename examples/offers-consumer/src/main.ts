/**
 * An example consumer of OfferStream's offers: node tools/run-ts.cjs examples/offers-consumer/src/main.ts
 * Env: KAFKA_BROKERS (127.0.0.1:9092), KAFKA_TOPIC_PREFIX (empty), OFFERS_CONSUMER_GROUP (shop.offers-consumer).
 */
import { Kafka, logLevel } from 'kafkajs';
import { loggingChannels } from './offer-channels';
import { OffersConsumer } from './offers-consumer';

const log = (msg: string, fields: Record<string, unknown> = {}): void => {
  process.stdout.write(JSON.stringify({ time: new Date().toISOString(), msg, ...fields }) + '\n');
};

async function main(): Promise<void> {
  const brokers = (process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092').split(',').map((b) => b.trim());
  const kafka = new Kafka({ clientId: 'offers-consumer-example', brokers, logLevel: logLevel.WARN });
  const { channels } = loggingChannels(log);
  const consumer = new OffersConsumer({
    kafka,
    groupId: process.env['OFFERS_CONSUMER_GROUP'] ?? 'shop.offers-consumer',
    topicPrefix: process.env['KAFKA_TOPIC_PREFIX'] ?? '',
    channels,
    log,
  });
  for (const signal of ['SIGTERM', 'SIGINT'] as const)
    process.once(signal, () => {
      consumer.stop().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    });
  await consumer.start();
  log('reading offers', { brokers });
}

main().catch((e: unknown) => {
  log('failed', { error: e instanceof Error ? e.message : String(e) });
  process.exit(1);
});
