import { join } from 'node:path';
import { committedOpenApi, registeredControllers } from '@offerstream/platform';
import { NLP_WORKER_API, NLP_WORKER_API_INFO } from './nlp-worker.openapi';

describe('nlp-worker OpenAPI document', () => {
  it('matches the committed docs/openapi/nlp-worker.json (npm run openapi:write regenerates it)', () => {
    const { committed, generated } = committedOpenApi('nlp-worker', NLP_WORKER_API_INFO, NLP_WORKER_API);
    expect(committed).toBe(generated);
  });

  it('describes every controller the service module registers', () => {
    const described = NLP_WORKER_API.map((d) => d.controller.name).sort();
    expect(registeredControllers(join(__dirname, 'nlp-worker.module.ts')).sort()).toEqual(described);
  });
});
