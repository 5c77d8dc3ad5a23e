/**
 * Gathering policy facts for images outside Portcullis' own store: a remote registry for the digest,
 * config and signatures, and, when that registry is a Portcullis server, its stored scan and labels.
 * Does I/O, so it is apart from the pure engine in src/policy/index.ts.
 */
export { DEFAULT_FACTS_TIMEOUT_MS, gatherRemoteFacts, verifiedAttachments, type RemoteFacts, type RemoteFactsOptions } from './remote.ts';
export { policyScanOf } from './stored-scan-input.ts';
