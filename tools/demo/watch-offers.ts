/**
 * Prints offers as they arrive on the offers topic, one line each, and a summary at the end:
 *   node tools/run-ts.cjs tools/demo/watch-offers.ts [--seconds N]
 */
import { randomUUID } from 'node:crypto';
import { TOPICS, decodeEvent } from '@offerstream/contracts';
import { createKafka, loadKafkaEnv } from '@offerstream/kafka';

async function main(): Promise<void> {
  const i = process.argv.indexOf('--seconds');
  const seconds = Number(i >= 0 ? process.argv[i + 1] : 60);
  const kafka = createKafka(loadKafkaEnv({ ...process.env, KAFKA_CLIENT_ID: 'offerstream-watch' }));
  const consumer = kafka.consumer({ groupId: `watch-offers-${randomUUID()}` });
  const topic = (process.env['KAFKA_TOPIC_PREFIX'] ?? '') + TOPICS.offers.name;
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const byType = new Map<string, number>();
  const byTrigger = new Map<string, number>();
  let total = 0;
  await consumer.run({
    eachMessage: async ({ message }) => {
      const d = decodeEvent(TOPICS.offers, message.value);
      if (!d.ok) return;
      const o = d.event.payload;
      total++;
      byType.set(o.offerType, (byType.get(o.offerType) ?? 0) + 1);
      byTrigger.set(o.trigger, (byTrigger.get(o.trigger) ?? 0) + 1);
      if (total <= 40 || total % 50 === 0) {
        process.stdout.write(
          `offer #${total} ${o.userId.padEnd(18)} ${o.offerType.padEnd(16)} value=${String(o.value).padEnd(5)} ` +
            `trigger=${o.trigger.padEnd(16)} items=${o.items.slice(0, 3).join(',')} p=${o.probability.toFixed(2)} ` +
            `E[profit]=${o.expectedIncrementalProfit.toFixed(2)} reasons=${o.reasonCodes.slice(0, 4).join('|')}\n`,
        );
      }
    },
  });
  await new Promise((r) => setTimeout(r, seconds * 1000));
  await consumer.disconnect();
  process.stdout.write(
    `\n${total} offers on ${topic}; by type ${JSON.stringify(Object.fromEntries(byType))}; by trigger ${JSON.stringify(Object.fromEntries(byTrigger))}\n`,
  );
}

main().catch((e: unknown) => {
  process.stderr.write(`watch-offers failed: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
