export const STREAM_CONFIG = Symbol('STREAM_CONFIG');
export const FEATURE_READER = Symbol('FEATURE_READER');
export const CLICKSTREAM_WRITER = Symbol('CLICKSTREAM_WRITER');
