/**
 * Creates every topic of the contract (with its DLQ) that the cluster lacks, with the contract's partition count
 * and retention.ms. Idempotent: existing topics are left as they are, and differences from the contract are
 * reported, because changing partitions of a live keyed topic would reshuffle keys.
 *
 *   node tools/run-ts.cjs tools/create-topics.ts [--prefix <p>] [--wait-ms <n>] [--probe]
 *
 * Env: KAFKA_BROKERS (default 127.0.0.1:9092), KAFKA_TOPIC_PREFIX (default none), KAFKA_REPLICATION_FACTOR
 * (default 1), KAFKA_MIN_INSYNC_REPLICAS (default 1; 2 with replication 3 in production), and the services' TLS and
 * SASL settings (KAFKA_SSL, KAFKA_SASL_*). `--probe` only checks that the cluster answers a metadata request.
 */
import type { Admin, ITopicConfig } from 'kafkajs';
import { allTopicNames } from '@offerstream/contracts';
import {
  ConfigError,
  TransientError,
  envField,
  errorMessage,
  loadEnvConfig,
  parseCommandFlags,
  sleep,
  type Logger,
} from '@offerstream/core';
import { createKafka, loadKafkaEnv } from '@offerstream/kafka';
import { z } from 'zod';

interface Options {
  readonly brokers: string[];
  readonly prefix: string;
  readonly replicationFactor: number;
  readonly minInsyncReplicas: number;
  readonly waitMs: number;
  readonly probe: boolean;
}

const USAGE = `usage: node tools/run-ts.cjs tools/create-topics.ts [--prefix P] [--wait-ms N] [--probe]
  --prefix P    topic prefix (default KAFKA_TOPIC_PREFIX)
  --wait-ms N   how long to wait for the cluster to answer (30000)
  --probe       only check that the cluster answers a metadata request
Env: KAFKA_BROKERS, KAFKA_TOPIC_PREFIX, KAFKA_REPLICATION_FACTOR, KAFKA_MIN_INSYNC_REPLICAS, KAFKA_SSL, KAFKA_SASL_*`;

function parseOptions(argv: readonly string[]): Options | null {
  const flags = parseCommandFlags(
    argv,
    { prefix: { type: 'string' }, 'wait-ms': { type: 'string' }, probe: { type: 'boolean', default: false } },
    USAGE,
  );
  if (flags === null) return null;
  const env = loadEnvConfig({
    KAFKA_BROKERS: envField.list('127.0.0.1:9092'),
    KAFKA_TOPIC_PREFIX: z.string().default(''),
    KAFKA_REPLICATION_FACTOR: envField.int(1, 1, 5),
    KAFKA_MIN_INSYNC_REPLICAS: envField.int(1, 1, 5),
  });
  if (env.KAFKA_MIN_INSYNC_REPLICAS > env.KAFKA_REPLICATION_FACTOR) {
    throw new ConfigError('KAFKA_MIN_INSYNC_REPLICAS', 'must not exceed KAFKA_REPLICATION_FACTOR');
  }
  const waitMs = flags['wait-ms'] ?? '30000';
  if (!/^\d+$/.test(waitMs))
    throw new ConfigError('argv', `--wait-ms must be a whole number of milliseconds, got ${waitMs}`);
  return {
    brokers: env.KAFKA_BROKERS,
    prefix: flags.prefix ?? env.KAFKA_TOPIC_PREFIX,
    replicationFactor: env.KAFKA_REPLICATION_FACTOR,
    minInsyncReplicas: env.KAFKA_MIN_INSYNC_REPLICAS,
    waitMs: Number(waitMs),
    probe: flags.probe,
  };
}

/** Connection errors while the broker boots are expected; the outcome is reported once, below. */
const SILENT: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => SILENT,
};

/** Waits until the cluster answers with at least one broker; a booting KRaft node refuses metadata at first. */
async function connectWhenReady(admin: Admin, brokers: readonly string[], waitMs: number): Promise<void> {
  const deadline = Date.now() + waitMs;
  let lastError: unknown;
  for (let attempt = 0; ; attempt++) {
    try {
      await admin.connect();
      const cluster = await admin.describeCluster();
      if (cluster.brokers.length > 0) return;
      lastError = new Error('cluster reports no brokers yet');
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      throw new TransientError(
        'KAFKA_UNREACHABLE',
        `Kafka at ${brokers.join(',')} did not answer within ${waitMs} ms`,
        lastError,
        {
          brokers,
          lastError: errorMessage(lastError),
        },
      );
    }
    await sleep(Math.min(1_000, 200 * (attempt + 1)));
  }
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  if (options === null) return;
  // The services' connection settings (TLS, SASL), with few retries: connectWhenReady does the waiting.
  const kafka = createKafka(
    {
      ...loadKafkaEnv(),
      KAFKA_BROKERS: options.brokers,
      KAFKA_CLIENT_ID: 'offerstream-create-topics',
      KAFKA_RETRIES: 2,
      KAFKA_RETRY_INITIAL_MS: 200,
    },
    SILENT,
  );
  const admin = kafka.admin();
  try {
    await connectWhenReady(admin, options.brokers, options.probe ? 0 : options.waitMs);
    if (options.probe) {
      process.stderr.write(`Kafka at ${options.brokers.join(',')} answers\n`);
      return;
    }
    const wanted = allTopicNames(options.prefix);
    const existing = new Set(await admin.listTopics());
    const missing: ITopicConfig[] = wanted
      .filter((t) => !existing.has(t.name))
      .map((t) => ({
        topic: t.name,
        numPartitions: t.partitions,
        replicationFactor: options.replicationFactor,
        configEntries: [
          { name: 'retention.ms', value: String(t.retentionMs) },
          { name: 'min.insync.replicas', value: String(options.minInsyncReplicas) },
        ],
      }));
    if (missing.length > 0) {
      // A concurrent creator can win the race; kafkajs then reports "already exists", which is the goal anyway.
      await admin
        .createTopics({ topics: missing, waitForLeaders: true, timeout: 30_000 })
        .catch(async (error: unknown) => {
          const now = new Set(await admin.listTopics());
          if (!missing.every((t) => now.has(t.topic))) throw error;
        });
    }
    for (const t of missing) {
      process.stdout.write(
        `created ${t.topic} (partitions ${t.numPartitions ?? '?'}, ${t.configEntries?.[0]?.name}=${t.configEntries?.[0]?.value})\n`,
      );
    }
    await reportDrift(
      admin,
      wanted.filter((t) => existing.has(t.name)),
    );
    process.stdout.write(
      `topics: ${missing.length} created, ${wanted.length - missing.length} already present, ${wanted.length} in contract\n`,
    );
  } finally {
    await admin.disconnect();
  }
}

async function reportDrift(admin: Admin, present: ReturnType<typeof allTopicNames>): Promise<void> {
  if (present.length === 0) return;
  const metadata = await admin.fetchTopicMetadata({ topics: present.map((t) => t.name) });
  for (const t of present) {
    const actual = metadata.topics.find((m) => m.name === t.name)?.partitions.length;
    if (actual !== undefined && actual !== t.partitions) {
      process.stderr.write(
        `warning: ${t.name} has ${actual} partitions, the contract says ${t.partitions} (left unchanged)\n`,
      );
    }
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`create-topics failed: ${errorMessage(error)}\n`);
  process.exitCode = 1;
});
