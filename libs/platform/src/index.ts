export * from './health.registry';
export * from './platform.tokens';
export * from './platform.module';
export * from './ops.controller';
export * from './nest-json.logger';
export * from './bootstrap-service';
export * from './infra.module';
