export const METRICS_REGISTRY = Symbol('METRICS_REGISTRY');
export const HEALTH_REGISTRY = Symbol('HEALTH_REGISTRY');
export const SERVICE_LOGGER = Symbol('SERVICE_LOGGER');
