export * from './bootstrap';
export * from './config';
export * from './errors';
export * from './health';
export * from './logger';
export * from './metrics';
export * from './platform.module';
export * from './topology';
