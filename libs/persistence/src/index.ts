export * from './database';
export * from './persistence.module';
export * from './byte-strings';
export * from './json-runs';
export * from './typeorm-logger';
export * from './schema';
