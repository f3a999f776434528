export * from './case.types';
export * from './envelope.codec';
