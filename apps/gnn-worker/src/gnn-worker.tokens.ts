export const GNN_CONFIG = Symbol('GNN_CONFIG');
export const GNN_GRAPH = Symbol('GNN_GRAPH');
export const GNN_LOG = Symbol('GNN_LOG');
export const GNN_READER = Symbol('GNN_READER');
export const GNN_PUBLISHER = Symbol('GNN_PUBLISHER');
export const GNN_METRICS = Symbol('GNN_METRICS');
