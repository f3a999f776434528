export * from './deadline';
export * from './warning';
export * from './timing';
