import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** librdkafka settings (`-X name=value`), e.g. security.protocol and ssl.ca.location for a TLS broker. */
export type KcatConfig = Readonly<Record<string, string>>;
const xArgs = (config: KcatConfig): string[] => Object.entries(config).flatMap(([k, v]) => ['-X', `${k}=${v}`]);

/** Produces key/value lines with kcat, an independent (librdkafka) client, using Java's murmur2 partitioner. */
export async function kcatProduce(
  brokers: string,
  topic: string,
  records: { key: string; value: string }[],
  config: KcatConfig = {},
): Promise<void> {
  const input = records.map((r) => `${r.key}\t${r.value}`).join('\n') + '\n';
  const args = ['-b', brokers, '-P', '-t', topic, '-K', '\t', '-X', 'topic.partitioner=murmur2_random'];
  const child = run('kcat', [...args, ...xArgs(config)], { timeout: 30_000 });
  child.child.stdin?.end(input);
  await child;
}

/** Reads a whole topic with kcat as JSON envelopes (key, payload, headers, partition, offset). */
export async function kcatConsumeAll(brokers: string, topic: string, config: KcatConfig = {}): Promise<KcatRecord[]> {
  const args = ['-b', brokers, '-C', '-t', topic, '-e', '-J', '-q', '-o', 'beginning', ...xArgs(config)];
  const { stdout } = await run('kcat', args, { timeout: 30_000, maxBuffer: 64 * 1024 * 1024 });
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
