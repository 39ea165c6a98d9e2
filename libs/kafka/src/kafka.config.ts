import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import { z } from 'zod';
import { Kafka, logLevel, type KafkaConfig, type SASLOptions, type LogEntry } from 'kafkajs';
import { ConfigError, envField, loadEnvConfig, type Logger } from '@offerstream/core';

/** Kafka connection settings, read from the environment and validated at boot. */
export const kafkaEnvShape = {
  KAFKA_BROKERS: envField
    .list('127.0.0.1:9092')
    .pipe(z.array(z.string().regex(/^[^\s:]+:\d{1,5}$/, 'each broker must be host:port'))),
  KAFKA_CLIENT_ID: envField.str('offerstream'),
  KAFKA_SSL: envField.bool(false),
  /** PEM CA bundle that signed the brokers' certificates; without it the system's CAs are trusted. */
  KAFKA_SSL_CA_FILE: envField.file(),
  /** Mutual TLS: this client's PEM certificate (chain) and private key, presented to brokers that require one. */
  KAFKA_SSL_CERT_FILE: envField.file(),
  KAFKA_SSL_KEY_FILE: envField.file(),
  /** Passphrase of an encrypted KAFKA_SSL_KEY_FILE. */
  KAFKA_SSL_KEY_PASSWORD: z.string().optional(),
  KAFKA_SASL_MECHANISM: z.enum(['plain', 'scram-sha-256', 'scram-sha-512']).optional(),
  KAFKA_SASL_USERNAME: z.string().optional(),
  KAFKA_SASL_PASSWORD: z.string().optional(),
  KAFKA_TOPIC_PREFIX: z
    .string()
    .regex(/^[a-zA-Z0-9._-]*$/, 'letters, digits, dot, dash, underscore')
    .default(''),
  /** kafkajs retries of a failed request (exponential backoff from KAFKA_RETRY_INITIAL_MS, capped at 30 s each). */
  KAFKA_RETRIES: envField.int(8, 0, 100),
  KAFKA_RETRY_INITIAL_MS: envField.int(200, 10, 60_000),
};
export type KafkaEnv = ReturnType<typeof loadKafkaEnv>;

export function loadKafkaEnv(env: NodeJS.ProcessEnv = process.env) {
  const cfg = loadEnvConfig(kafkaEnvShape, env);
  const tlsFile = (['KAFKA_SSL_CA_FILE', 'KAFKA_SSL_CERT_FILE', 'KAFKA_SSL_KEY_FILE'] as const).find((k) => cfg[k]);
  // A TLS file with TLS off would connect in plaintext anyway: refuse rather than guess which was meant.
  if (tlsFile && !cfg.KAFKA_SSL) throw new ConfigError('KAFKA_SSL', `must be true when ${tlsFile} is set`);
  if (cfg.KAFKA_SSL_CERT_FILE && !cfg.KAFKA_SSL_KEY_FILE) {
    throw new ConfigError('KAFKA_SSL_KEY_FILE', 'required when KAFKA_SSL_CERT_FILE is set (mutual TLS)');
  }
  if (cfg.KAFKA_SSL_KEY_FILE && !cfg.KAFKA_SSL_CERT_FILE) {
    throw new ConfigError('KAFKA_SSL_CERT_FILE', 'required when KAFKA_SSL_KEY_FILE is set (mutual TLS)');
  }
  // PLAIN sends the password itself; only TLS keeps it off the wire (SCRAM sends a proof, never the password).
  if (cfg.KAFKA_SASL_MECHANISM === 'plain' && !cfg.KAFKA_SSL) {
    throw new ConfigError(
      'KAFKA_SSL',
      'must be true with KAFKA_SASL_MECHANISM=plain (the password would cross in clear)',
    );
  }
  if (cfg.KAFKA_SASL_MECHANISM && (!cfg.KAFKA_SASL_USERNAME || !cfg.KAFKA_SASL_PASSWORD)) {
    throw new ConfigError(
      cfg.KAFKA_SASL_USERNAME ? 'KAFKA_SASL_PASSWORD' : 'KAFKA_SASL_USERNAME',
      'required when KAFKA_SASL_MECHANISM is set',
    );
  }
  return cfg;
}

export function createKafka(cfg: KafkaEnv, logger?: Logger): Kafka {
  const config: KafkaConfig = {
    clientId: cfg.KAFKA_CLIENT_ID,
    brokers: cfg.KAFKA_BROKERS,
    connectionTimeout: 5_000,
    requestTimeout: 30_000,
    retry: { initialRetryTime: cfg.KAFKA_RETRY_INITIAL_MS, retries: cfg.KAFKA_RETRIES },
    logLevel: logLevel.WARN,
  };
  if (logger) config.logCreator = () => (entry: LogEntry) => kafkaLog(logger, entry);
  if (cfg.KAFKA_SSL) config.ssl = kafkaTls(cfg);
  if (cfg.KAFKA_SASL_MECHANISM && cfg.KAFKA_SASL_USERNAME && cfg.KAFKA_SASL_PASSWORD) {
    config.sasl = {
      mechanism: cfg.KAFKA_SASL_MECHANISM,
      username: cfg.KAFKA_SASL_USERNAME,
      password: cfg.KAFKA_SASL_PASSWORD,
    } as SASLOptions;
  }
  return new Kafka(config);
}

/** Node TLS options for the brokers: `true` (system CAs) unless a CA or a client certificate is configured. */
function kafkaTls(cfg: KafkaEnv): ConnectionOptions | true {
  if (!cfg.KAFKA_SSL_CA_FILE && !cfg.KAFKA_SSL_CERT_FILE) return true;
  return {
    ...(cfg.KAFKA_SSL_CA_FILE ? { ca: [readFileSync(cfg.KAFKA_SSL_CA_FILE, 'utf8')] } : {}),
    ...(cfg.KAFKA_SSL_CERT_FILE && cfg.KAFKA_SSL_KEY_FILE
      ? {
          cert: readFileSync(cfg.KAFKA_SSL_CERT_FILE, 'utf8'),
          key: readFileSync(cfg.KAFKA_SSL_KEY_FILE, 'utf8'),
          ...(cfg.KAFKA_SSL_KEY_PASSWORD ? { passphrase: cfg.KAFKA_SSL_KEY_PASSWORD } : {}),
        }
      : {}),
  };
}

function kafkaLog(logger: Logger, { level, log }: LogEntry): void {
  const { message, ...rest } = log;
  const fields = { ...rest, source: 'kafkajs' };
  if (level === logLevel.ERROR) logger.error(message, fields);
  else if (level === logLevel.WARN) logger.warn(message, fields);
  else logger.debug(message, fields);
}
