import { ValidationError } from '@offerstream/core';
import { DLQ_HEADERS, toDeadLetterMessage } from './dead-letter';

describe('dead letters', () => {
  it('keep the original key, headers and bytes and add why they failed', () => {
    const value = Buffer.from([0xde, 0xad, 0xbe, 0xef]);
    const { topic, message } = toDeadLetterMessage(
      {
        sourceTopic: 'shop.clicks',
        partition: 4,
        message: {
          key: Buffer.from('user-1'),
          value,
          headers: { trace: 'abc' },
          offset: '17',
          timestamp: '1',
          attributes: 0,
        },
        error: new ValidationError('schema violation: payload.itemId: required'),
      },
      'group-a',
    );
    expect(topic).toBe('shop.clicks.dlq');
    expect(message.value).toBe(value);
    expect(message.key?.toString()).toBe('user-1');
    expect(message.headers).toMatchObject({
      trace: 'abc',
      [DLQ_HEADERS.reason]: 'schema violation: payload.itemId: required',
      [DLQ_HEADERS.code]: 'VALIDATION_FAILED',
      [DLQ_HEADERS.sourcePartition]: '4',
      [DLQ_HEADERS.sourceOffset]: '17',
      [DLQ_HEADERS.group]: 'group-a',
    });
  });
});
