export * from './deadline';
export * from './warning';
