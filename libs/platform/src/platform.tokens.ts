export const METRICS_REGISTRY = Symbol('METRICS_REGISTRY');
export const HEALTH_REGISTRY = Symbol('HEALTH_REGISTRY');
export const SERVICE_LOGGER = Symbol('SERVICE_LOGGER');
/** The service's UserPseudonyms (libs/core): the one place a raw user id becomes its keyed pseudonym. */
export const USER_PSEUDONYMS = Symbol('USER_PSEUDONYMS');
