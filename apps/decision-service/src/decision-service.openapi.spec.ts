import { join } from 'node:path';
import { committedOpenApi, registeredControllers } from '@offerstream/platform';
import { DECISION_SERVICE_API, DECISION_SERVICE_API_INFO } from './decision-service.openapi';

describe('decision-service OpenAPI document', () => {
  it('matches the committed docs/openapi/decision-service.json (npm run openapi:write regenerates it)', () => {
    const { committed, generated } = committedOpenApi(
      'decision-service',
      DECISION_SERVICE_API_INFO,
      DECISION_SERVICE_API,
    );
    expect(committed).toBe(generated);
  });

  it('describes every controller the service module registers', () => {
    const described = DECISION_SERVICE_API.map((d) => d.controller.name).sort();
    expect(registeredControllers(join(__dirname, 'decision-service.module.ts')).sort()).toEqual(described);
  });
});
