export * from './market.config';
export * from './market';
export * from './truth';
export * from './scoreboard';
export * from './campaign-client';
export * from './simulation.runner';
export * from './round-table';
export * from './simulation-env';
