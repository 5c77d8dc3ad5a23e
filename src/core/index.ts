export * from './errors.ts';
export * from './digest.ts';
export * from './log.ts';
export * from './reference.ts';
export { xml } from './xml.ts';
export { type DataPath, dataPathOf, refuseDeepFlowNesting, yamlNodeAt } from './yaml-source.ts';
