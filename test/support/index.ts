export * from './applicants';
export * from './events';
export * from './kafka';
export * from './test-env';
export * from './http';
export * from './processes';
export * from './federation';
export * from './own-federation';
