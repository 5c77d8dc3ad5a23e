/** Extractors for Rust crates. */
export { cargoLockExtractor } from './cargo-lock.ts';
