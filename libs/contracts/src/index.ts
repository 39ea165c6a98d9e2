export * from './envelope.schema';
export * from './clickstream.schema';
export * from './catalog.schema';
export * from './offer.schema';
export * from './nlp-signal.schema';
export * from './topics';
export * from './partition-key';
export * from './codec';
