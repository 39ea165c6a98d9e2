import { ConfigError } from '@offerstream/core';
import { loadGnnWorkerConfig } from './gnn-worker.config';

describe('gnn-worker config', () => {
  it('has working defaults: port 3003, graph filter, ten-minute schedule', () => {
    const { service } = loadGnnWorkerConfig({});
    expect(service).toMatchObject({
      PORT: 3003,
      GNN_METHOD: 'graph-filter',
      GNN_TRAIN_INTERVAL_MS: 600_000,
      GNN_USE_FEATURE_STORE: true,
    });
  });

  it('stops on a bad value naming the variable', () => {
    expect(() => loadGnnWorkerConfig({ GNN_TRAIN_MIN_NEW: 'lots' })).toThrow(ConfigError);
    expect(() => loadGnnWorkerConfig({ GNN_TRAIN_MIN_NEW: 'lots' })).toThrow(/GNN_TRAIN_MIN_NEW/);
    expect(() => loadGnnWorkerConfig({ GNN_METHOD: 'svd' })).toThrow(/GNN_METHOD/);
    expect(() => loadGnnWorkerConfig({ GNN_RANK: '1' })).toThrow(/GNN_RANK/);
  });
});
