export * from './errors.ts';
export * from './digest.ts';
export * from './log.ts';
export * from './reference.ts';
export { xml } from './xml.ts';
