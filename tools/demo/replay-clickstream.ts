/**
 * Replays a clickstream into Kafka for the demo, with progress:
 *   node tools/run-ts.cjs tools/demo/replay-clickstream.ts [--diginetica FILE] [--rate EVENTS_PER_S] [--limit N]
 * Without a file (or when ../shared is absent) it replays generated events. Catalog entries for every item are
 * published first so that the stream processor knows prices, stock and margins.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { TOPICS, userKey, type ClickstreamEvent } from '@offerstream/contracts';
import { createLogger } from '@offerstream/core';
import { createKafka, EventProducer, loadKafkaEnv } from '@offerstream/kafka';
import { generateClickstream } from '@offerstream/testing';
import { readDigineticaViews, syntheticCatalogItem, viewsToEvents } from './diginetica-replay';

const DEFAULT_FILE = join(
  __dirname,
  '..',
  '..',
  '..',
  'shared',
  'datasets',
  'sessions',
  'diginetica_sample_item_views.csv',
);

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const log = createLogger('replay');
  const rate = Number(flag('rate') ?? 1500);
  const limit = Number(flag('limit') ?? Infinity);
  const file = flag('diginetica') ?? (existsSync(DEFAULT_FILE) ? DEFAULT_FILE : undefined);
  const kafka = createKafka(loadKafkaEnv({ ...process.env, KAFKA_CLIENT_ID: 'offerstream-replay' }));
  const producer = new EventProducer(kafka, process.env['KAFKA_TOPIC_PREFIX'] ?? '');
  await producer.connect();

  let events: Iterable<ClickstreamEvent>;
  if (file) {
    const views = readDigineticaViews(file);
    const items = [...new Set(views.map((v) => v.item))];
    log.info("publishing synthetic catalog entries for the sample's items", {
      file,
      items: items.length,
      views: views.length,
    });
    for (let i = 0; i < items.length; i += 500) {
      await producer.send(
        TOPICS.catalog,
        items.slice(i, i + 500).map((item) => ({ key: item, event: syntheticCatalogItem(item) })),
      );
    }
    events = viewsToEvents(views);
  } else {
    log.info('no clickstream file; replaying generated events');
    const items = Array.from({ length: 500 }, (_, i) => `item-${i}`);
    await producer.send(
      TOPICS.catalog,
      items.map((item) => ({ key: item, event: syntheticCatalogItem(item) })),
    );
    events = generateClickstream(Number.isFinite(limit) ? limit : 20_000, { users: 2000, items: 500, seed: 7 });
  }

  const started = Date.now();
  let sent = 0;
  let batch: { key: string; event: ClickstreamEvent }[] = [];
  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    await producer.send(TOPICS.clickstream, batch);
    sent += batch.length;
    batch = [];
    const ahead = (sent / rate) * 1000 - (Date.now() - started);
    if (ahead > 0) await new Promise((r) => setTimeout(r, ahead));
    if (sent % 2000 < 100)
      process.stderr.write(`\rreplayed ${sent} events (${Math.round((sent * 1000) / (Date.now() - started))}/s)`);
  };
  for (const e of events) {
    if (sent + batch.length >= limit) break;
    batch.push({ key: userKey(e), event: e });
    if (batch.length >= 100) await flush();
  }
  await flush();
  process.stderr.write('\n');
  log.info('replay done', { events: sent, seconds: (Date.now() - started) / 1000 });
  await producer.disconnect();
}

main().catch((e: unknown) => {
  process.stderr.write(`replay failed: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
