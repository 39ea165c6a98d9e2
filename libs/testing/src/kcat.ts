import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Produces key/value lines with kcat, an independent (librdkafka) client, using Java's murmur2 partitioner. */
export async function kcatProduce(
  brokers: string,
  topic: string,
  records: { key: string; value: string }[],
): Promise<void> {
  const input = records.map((r) => `${r.key}\t${r.value}`).join('\n') + '\n';
  const child = run('kcat', ['-b', brokers, '-P', '-t', topic, '-K', '\t', '-X', 'topic.partitioner=murmur2_random'], {
    timeout: 30_000,
  });
  child.child.stdin?.end(input);
  await child;
}

/** Reads a whole topic with kcat as JSON envelopes (key, payload, headers, partition, offset). */
export async function kcatConsumeAll(brokers: string, topic: string): Promise<KcatRecord[]> {
  const { stdout } = await run('kcat', ['-b', brokers, '-C', '-t', topic, '-e', '-J', '-q', '-o', 'beginning'], {
    timeout: 30_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  return stdout
    .split('\n')
    .filter((l) => l.trim().length > 0)
    .map((l) => JSON.parse(l) as KcatRecord);
}

export interface KcatRecord {
  topic: string;
  partition: number;
  offset: number;
  key: string | null;
  payload: string | null;
  headers?: string[];
}
