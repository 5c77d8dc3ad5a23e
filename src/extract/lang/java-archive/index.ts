export { javaArchiveExtractor } from './extractor.ts';
