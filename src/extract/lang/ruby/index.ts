/** Extractors for Ruby gems: installed specifications and Bundler's Gemfile.lock. */
export { gemspecExtractor } from './gemspec.ts';
export { gemfileLockExtractor } from './gemfile-lock.ts';
