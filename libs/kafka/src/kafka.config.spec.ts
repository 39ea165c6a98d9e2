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
});
