/** Extractors for .NET (NuGet) packages. */
export { dotnetDepsExtractor } from './deps-json.ts';
