export * from './types.ts';
export * from './purl.ts';
