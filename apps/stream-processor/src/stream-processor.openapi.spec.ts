import { join } from 'node:path';
import { committedOpenApi, registeredControllers } from '@offerstream/platform';
import { STREAM_PROCESSOR_API, STREAM_PROCESSOR_API_INFO } from './stream-processor.openapi';

describe('stream-processor OpenAPI document', () => {
  it('matches the committed docs/openapi/stream-processor.json (npm run openapi:write regenerates it)', () => {
    const { committed, generated } = committedOpenApi(
      'stream-processor',
      STREAM_PROCESSOR_API_INFO,
      STREAM_PROCESSOR_API,
    );
    expect(committed).toBe(generated);
  });

  it('describes every controller the service module registers', () => {
    const described = STREAM_PROCESSOR_API.map((d) => d.controller.name).sort();
    expect(registeredControllers(join(__dirname, 'stream-processor.module.ts')).sort()).toEqual(described);
  });
});
