export { goBinaryExtractor } from './extractor.ts';
export { stdlibVersion } from './packages.ts';
