import { join } from 'node:path';
import { committedOpenApi, registeredControllers } from '@offerstream/platform';
import { GNN_WORKER_API, GNN_WORKER_API_INFO } from './gnn-worker.openapi';

describe('gnn-worker OpenAPI document', () => {
  it('matches the committed docs/openapi/gnn-worker.json (npm run openapi:write regenerates it)', () => {
    const { committed, generated } = committedOpenApi('gnn-worker', GNN_WORKER_API_INFO, GNN_WORKER_API);
    expect(committed).toBe(generated);
  });

  it('describes every controller the service module registers', () => {
    const described = GNN_WORKER_API.map((d) => d.controller.name).sort();
    expect(registeredControllers(join(__dirname, 'gnn-worker.module.ts')).sort()).toEqual(described);
  });
});
