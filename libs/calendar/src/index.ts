export * from './calendar.errors';
export * from './calendar.types';
export * from './iso-date';
export * from './official';
export * from './working-calendar';
export * from './provisional';
export * from './notice';
