import { loadKafkaEnv } from './kafka.config';

describe('Kafka config', () => {
  it('parses a broker list', () => {
    expect(loadKafkaEnv({ KAFKA_BROKERS: '127.0.0.1:9092, 10.0.0.2:9093' }).KAFKA_BROKERS).toEqual([
      '127.0.0.1:9092',
      '10.0.0.2:9093',
    ]);
  });

  it('names KAFKA_BROKERS when an entry is not host:port', () => {
    expect(() => loadKafkaEnv({ KAFKA_BROKERS: 'kafka' })).toThrow(/KAFKA_BROKERS/);
  });

  it('requires credentials once a SASL mechanism is chosen', () => {
    expect(() => loadKafkaEnv({ KAFKA_SASL_MECHANISM: 'scram-sha-512', KAFKA_SASL_USERNAME: 'svc' })).toThrow(
      /KAFKA_SASL_PASSWORD/,
    );
  });

  it('refuses TLS files while TLS is off, naming KAFKA_SSL', () => {
    expect(() => loadKafkaEnv({ KAFKA_SSL_CA_FILE: __filename })).toThrow(
      /^KAFKA_SSL: must be true when KAFKA_SSL_CA_FILE is set/,
    );
  });

  it('needs both halves of a client certificate for mutual TLS', () => {
    expect(() => loadKafkaEnv({ KAFKA_SSL: 'true', KAFKA_SSL_CERT_FILE: __filename })).toThrow(/^KAFKA_SSL_KEY_FILE: /);
    expect(() => loadKafkaEnv({ KAFKA_SSL: 'true', KAFKA_SSL_KEY_FILE: __filename })).toThrow(/^KAFKA_SSL_CERT_FILE: /);
    const mtls = loadKafkaEnv({ KAFKA_SSL: 'true', KAFKA_SSL_CERT_FILE: __filename, KAFKA_SSL_KEY_FILE: __filename });
    expect(mtls.KAFKA_SSL_CERT_FILE).toBe(__filename);
  });

  it('names a certificate file that cannot be read', () => {
    expect(() => loadKafkaEnv({ KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: '/nonexistent/ca.pem' })).toThrow(
      /^KAFKA_SSL_CA_FILE: file does not exist or is not readable/,
    );
  });

  it('refuses SASL PLAIN without TLS, which would send the password in clear', () => {
    const plain = { KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'svc', KAFKA_SASL_PASSWORD: 'pw' };
    expect(() => loadKafkaEnv(plain)).toThrow(/^KAFKA_SSL: /);
    expect(loadKafkaEnv({ ...plain, KAFKA_SSL: 'true' }).KAFKA_SASL_MECHANISM).toBe('plain');
  });
});
