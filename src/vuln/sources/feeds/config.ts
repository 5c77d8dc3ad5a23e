/**
 * The public feeds `portcullis db update` downloads, in one place. Every feed has its real URL and
 * a relative path used instead when a base URL is given (--feed-base-url or
 * $PORTCULLIS_FEED_BASE_URL): a mirror, or a test server, then serves
 *   BASE/osv/<ecosystem>/all.zip
 *   BASE/debian-tracker/data.json
 *   BASE/alpine-secdb/<release>/<repo>.json
 */
import { PortcullisError } from '../../../core/index.ts';

export interface Feed {
  /** The AdvisorySource that reads the downloaded file. */
  source: string;
  url: string;
  /** File name in the download cache. */
  cacheName: string;
}

/** OSV ecosystems with language packages; distributions come from their own trackers (with their verdicts). */
export const OSV_ECOSYSTEMS = ['npm', 'PyPI', 'Go', 'Maven', 'RubyGems', 'crates.io', 'NuGet', 'Packagist'] as const;
export const ALPINE_RELEASES = ['v3.18', 'v3.19', 'v3.20', 'v3.21', 'v3.22'] as const;
export const ALPINE_REPOSITORIES = ['main', 'community'] as const;

const OSV_BASE = 'https://osv-vulnerabilities.storage.googleapis.com/';
const DEBIAN_TRACKER_URL = 'https://security-tracker.debian.org/tracker/data/json';
const ALPINE_BASE = 'https://secdb.alpinelinux.org/';

function checkedBase(base: string): string {
  let url: URL;
  try {
    url = new URL(base.endsWith('/') ? base : `${base}/`);
  } catch {
    throw new PortcullisError('USAGE', `feed base URL ${JSON.stringify(base)} is not a URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new PortcullisError('USAGE', `feed base URL must be http(s): got ${JSON.stringify(base)}`);
  }
  return url.href;
}

export function feedList(baseUrl?: string): Feed[] {
  const base = baseUrl === undefined || baseUrl === '' ? undefined : checkedBase(baseUrl);
  const at = (relative: string, real: string): string => (base ? new URL(relative, base).href : real);
  const feeds: Feed[] = OSV_ECOSYSTEMS.map((ecosystem) => ({
    source: 'osv',
    url: at(`osv/${encodeURIComponent(ecosystem)}/all.zip`, `${OSV_BASE}${encodeURIComponent(ecosystem)}/all.zip`),
    cacheName: `osv-${ecosystem}.zip`,
  }));
  feeds.push({ source: 'debian-tracker', url: at('debian-tracker/data.json', DEBIAN_TRACKER_URL), cacheName: 'debian-tracker.json' });
  for (const release of ALPINE_RELEASES) {
    for (const repository of ALPINE_REPOSITORIES) {
      feeds.push({
        source: 'alpine-secdb',
        url: at(`alpine-secdb/${release}/${repository}.json`, `${ALPINE_BASE}${release}/${repository}.json`),
        cacheName: `alpine-secdb-${release}-${repository}.json`,
      });
    }
  }
  return feeds;
}
