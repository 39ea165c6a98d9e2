export const STREAM_CONFIG = Symbol('STREAM_CONFIG');
