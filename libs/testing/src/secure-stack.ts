import { randomBytes } from 'node:crypto';
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createLogger } from '@offerstream/core';
import { createKafka, loadKafkaEnv } from '@offerstream/kafka';
import { createRedis, loadRedisEnv } from '@offerstream/redis';
import { freePortPair } from './free-port';
import type { KcatConfig } from './kcat';
import { waitFor } from './test-env';
import { missingBinaries, type TestCertificate, type TestPki } from './test-pki';

const ROOT = join(__dirname, '..', '..', '..');
/** Where scripts/stack.sh keeps the broker's jars (resolved by Maven on its first `up`). */
const KAFKA_LIBS = join(process.env['KAFKA_CACHE_DIR'] ?? join(ROOT, '.cache', 'kafka'), 'libs');
const run = promisify(execFile);

/**
 * Why a private TLS broker and Redis cannot be started here (a missing binary, no Kafka jars, a Redis built
 * without TLS), or undefined when they can. Suites skip with this message rather than fail on a bare machine.
 */
export function secureStackUnavailable(): string | undefined {
  const missing = missingBinaries(['java', 'openssl', 'redis-server', 'kcat']);
  if (missing.length > 0) {
    return `${missing.join(', ')} not installed (Java 17 and openssl from Debian; redis-server and kcat: bash scripts/stack.sh ensure-test-tools)`;
  }
  if (!existsSync(KAFKA_LIBS) || !readdirSync(KAFKA_LIBS).some((f) => /^kafka_2\.13-.*\.jar$/.test(f))) {
    return `no Kafka jars in ${KAFKA_LIBS} (bash scripts/stack.sh up resolves them once)`;
  }
  const redis = spawnSync('sh', ['-c', 'ldd "$(command -v redis-server)"'], { encoding: 'utf8' });
  if (!/libssl/.test(redis.stdout)) return 'redis-server is built without TLS (Debian builds link libssl)';
  return undefined;
}

/** Free loopback ports below the ephemeral range, so no outgoing connection can take one before we bind. */
async function lowPorts(n: number): Promise<number[]> {
  const ports: number[] = [];
  while (ports.length < n) {
    const p = await freePortPair(1, ports);
    ports.push(p, p + 1);
  }
  return ports.slice(0, n);
}

function render(template: string, values: Record<string, string>): string {
  return readFileSync(join(ROOT, 'deploy', 'kafka', template), 'utf8').replace(/\$\{(\w+)\}/g, (m, k: string) => {
    const v = values[k];
    if (v === undefined) throw new Error(`${template}: no value for ${m}`);
    return v;
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

function tail(file: string, lines = 30): string {
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n') : '';
}

export interface SecureKafka {
  /** SASL_SSL (SCRAM-SHA-512 over TLS) bootstrap address. */
  readonly saslBrokers: string;
  /** SSL with a required client certificate (mutual TLS). */
  readonly mtlsBrokers: string;
  /** Client settings (the services' KAFKA_* variables) for a SCRAM user. */
  scramEnv(user: string, password: string): NodeJS.ProcessEnv;
  /** Client settings for mutual TLS with `cert`. */
  mtlsEnv(cert: TestCertificate): NodeJS.ProcessEnv;
  /** kcat (librdkafka) settings for a SCRAM user on the SASL_SSL listener. */
  scramKcat(user: string, password: string): KcatConfig;
  stop(): Promise<void>;
}

/**
 * A private single-node KRaft broker (the stack's jars and server.properties.template, plus
 * secure-listeners.properties.template): every listener TLS, SCRAM users created at format time, ACLs enforced
 * (super users: the broker's certificate and `admin`). Never the shared broker: its own ports, data and logs in `dir`.
 */
export async function startSecureKafka(o: {
  dir: string;
  pki: TestPki;
  broker: TestCertificate;
  scramUsers: Record<string, string>;
}): Promise<SecureKafka> {
  const [sasl, mtls, controller] = (await lowPorts(3)) as [number, number, number];
  const props = join(o.dir, 'server.properties');
  const values = {
    // The base template's PLAINTEXT listener: replaced by the secure template's `listeners`, never bound.
    KAFKA_PORT: '0',
    KAFKA_CONTROLLER_PORT: String(controller),
    KAFKA_LOG_DIRS: join(o.dir, 'kafka-data'),
    KAFKA_SASL_SSL_PORT: String(sasl),
    KAFKA_MTLS_PORT: String(mtls),
    KAFKA_SSL_KEYSTORE_PEM: o.broker.pem,
    KAFKA_SSL_TRUSTSTORE_PEM: o.pki.ca,
    KAFKA_SUPER_USERS: `User:${o.broker.subject};User:admin`,
  };
  // Smaller than the stack's broker: fewer internal partitions start faster, and only this suite uses it.
  const small = 'offsets.topic.num.partitions=3\nnum.io.threads=2\nbackground.threads=2\n';
  const text = `${render('server.properties.template', values)}\n${render('secure-listeners.properties.template', values)}\n${small}`;
  writeFileSync(props, text, { mode: 0o600 });
  const logs = join(o.dir, 'kafka-logs');
  const jvm = [
    '-cp',
    `${KAFKA_LIBS}/*`,
    `-Dlog4j.configuration=file:${join(ROOT, 'deploy', 'kafka', 'log4j.properties')}`,
    `-Dkafka.logs.dir=${logs}`,
  ];
  // Quick-starting JVM: the broker lives for one suite, so C1 only and a small serial heap.
  const fast = ['-Xms128m', '-Xmx384m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1'];
  const scram = Object.entries(o.scramUsers).flatMap(([name, pw]) => [
    '--add-scram',
    `SCRAM-SHA-512=[name=${name},password=${pw}]`,
  ]);
  // A Kafka cluster id is 16 random bytes in URL-safe base64; one starting with '-' would read as an option.
  const clusterId = `A${randomBytes(16).toString('base64url').slice(1)}`;
  await run('java', [...fast, ...jvm, 'kafka.tools.StorageTool', 'format', '-t', clusterId, '-c', props, ...scram], {
    timeout: 60_000,
  });
  const child = spawn('java', [...fast, ...jvm, 'kafka.Kafka', props], { stdio: 'ignore' });
  const saslBrokers = `127.0.0.1:${sasl}`;
  const mtlsBrokers = `127.0.0.1:${mtls}`;
  const scramEnv = (user: string, password: string): NodeJS.ProcessEnv => ({
    KAFKA_BROKERS: saslBrokers,
    KAFKA_SSL: 'true',
    KAFKA_SSL_CA_FILE: o.pki.ca,
    KAFKA_SASL_MECHANISM: 'scram-sha-512',
    KAFKA_SASL_USERNAME: user,
    KAFKA_SASL_PASSWORD: password,
  });
  const stop = (): Promise<void> => stopChild(child);
  // Refused connections are expected until the broker listens: the probe's client logs nothing.
  const quiet = createLogger('secure-kafka-probe', 'error', {}, () => undefined);
  const admin = createKafka(
    loadKafkaEnv({ ...scramEnv('admin', o.scramUsers['admin'] ?? ''), KAFKA_RETRIES: '0' }),
    quiet,
  );
  try {
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`broker exited with ${child.exitCode}`);
        const a = admin.admin();
        await a.connect();
        try {
          return (await a.describeCluster()).brokers.length > 0 || undefined;
        } finally {
          await a.disconnect();
        }
      },
      { timeoutMs: 60_000, intervalMs: 500, what: `the TLS broker on ${saslBrokers}` },
    );
  } catch (e) {
    await stop();
    throw new Error(`${e instanceof Error ? e.message : String(e)}\n${tail(join(logs, 'server.log'))}`);
  }
  return {
    saslBrokers,
    mtlsBrokers,
    scramEnv,
    mtlsEnv: (cert) => ({
      KAFKA_BROKERS: mtlsBrokers,
      KAFKA_SSL: 'true',
      KAFKA_SSL_CA_FILE: o.pki.ca,
      KAFKA_SSL_CERT_FILE: cert.cert,
      KAFKA_SSL_KEY_FILE: cert.key,
    }),
    scramKcat: (user, password) => ({
      'security.protocol': 'sasl_ssl',
      'sasl.mechanisms': 'SCRAM-SHA-512',
      'sasl.username': user,
      'sasl.password': password,
      'ssl.ca.location': o.pki.ca,
    }),
    stop,
  };
}

export interface TlsRedis {
  readonly url: string;
  /** Client settings (the services' REDIS_* variables) for an ACL user presenting `cert`. */
  env(user: string, password: string, cert: TestCertificate): NodeJS.ProcessEnv;
  stop(): Promise<void>;
}

/**
 * A private redis-server that speaks only TLS, requires a client certificate, and has no default user: only
 * `admin` (every key and command) exists until the test adds users with ACL SETUSER. Persistence as in production.
 */
export async function startTlsRedis(o: {
  dir: string;
  pki: TestPki;
  server: TestCertificate;
  adminPassword: string;
  adminCert: TestCertificate;
}): Promise<TlsRedis> {
  const [port] = (await lowPorts(1)) as [number];
  const conf = join(o.dir, 'redis.conf');
  const log = join(o.dir, 'redis.log');
  writeFileSync(
    conf,
    [
      'port 0',
      `tls-port ${port}`,
      'bind 127.0.0.1',
      `tls-cert-file ${o.server.cert}`,
      `tls-key-file ${o.server.key}`,
      `tls-ca-cert-file ${o.pki.ca}`,
      'tls-auth-clients yes',
      'tls-protocols "TLSv1.2 TLSv1.3"',
      'save ""',
      // AOF on, as in production, so services can run with REDIS_REQUIRE_PERSISTENCE=true (it asks INFO).
      'appendonly yes',
      `dir ${o.dir}`,
      `logfile ${log}`,
      'user default off',
      `user admin on >${o.adminPassword} ~* &* +@all`,
      '',
    ].join('\n'),
    { mode: 0o600 },
  );
  const child = spawn('redis-server', [conf], { stdio: 'ignore' });
  const url = `rediss://127.0.0.1:${port}`;
  const env = (user: string, password: string, cert: TestCertificate): NodeJS.ProcessEnv => ({
    REDIS_URL: url,
    REDIS_USERNAME: user,
    REDIS_PASSWORD: password,
    REDIS_TLS_CA_FILE: o.pki.ca,
    REDIS_TLS_CERT_FILE: cert.cert,
    REDIS_TLS_KEY_FILE: cert.key,
  });
  const stop = (): Promise<void> => stopChild(child);
  try {
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}`);
        const r = createRedis(loadRedisEnv(env('admin', o.adminPassword, o.adminCert)), {
          maxRetriesPerRequest: 0,
          retryStrategy: () => null,
        });
        r.on('error', () => undefined);
        try {
          return (await r.ping()) === 'PONG' || undefined;
        } finally {
          r.disconnect();
        }
      },
      { timeoutMs: 20_000, what: `the TLS redis-server on ${url}` },
    );
  } catch (e) {
    await stop();
    throw new Error(`${e instanceof Error ? e.message : String(e)}\n${tail(log)}`);
  }
  return { url, env, stop };
}
