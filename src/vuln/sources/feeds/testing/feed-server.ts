/**
 * Test helper: a local feed mirror on 127.0.0.1 (a port the OS picks) that serves every feed of
 * config.ts under one base URL, built from the shared real advisory data, with real ETag,
 * If-None-Match, Range/If-Range and x-goog-hash behaviour, and switches to cut a response short
 * or publish a wrong checksum.
 */
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { buildZip, vulndata } from '../../testing.ts';
import { ALPINE_RELEASES, ALPINE_REPOSITORIES, OSV_ECOSYSTEMS } from '../config.ts';

export interface ServedFile {
  body: Buffer;
  etag: string;
  /** Publish this MD5 instead of the real one. */
  wrongMd5?: boolean;
  /** Cut the next full response after this many bytes (once). */
  cutAfter?: number;
}

export interface FeedServer {
  url: string;
  files: Map<string, ServedFile>;
  requests: Array<{ path: string; status: number; headers: IncomingHttpHeaders }>;
  close(): Promise<void>;
}

const LAST_MODIFIED = 'Mon, 01 Jan 2024 00:00:00 GMT';
let version = 0;

export function served(body: Buffer): ServedFile {
  return { body, etag: `"${createHash('sha1').update(body).digest('hex').slice(0, 16)}-${++version}"` };
}

function zipOf(directory: string): Buffer {
  return buildZip(readdirSync(directory).map((name) => ({ name, data: readFileSync(join(directory, name)) })));
}

/** Every feed path config.ts knows, with content: GHSA zips for npm and Maven, real secdb packages for v3.20/main. */
export function defaultFeedFiles(): Map<string, ServedFile> {
  const files = new Map<string, ServedFile>();
  for (const ecosystem of OSV_ECOSYSTEMS) files.set(`/osv/${encodeURIComponent(ecosystem)}/all.zip`, served(buildZip([])));
  files.set('/osv/npm/all.zip', served(zipOf(vulndata('ghsa/npm'))));
  files.set('/osv/Maven/all.zip', served(zipOf(vulndata('ghsa/maven'))));
  files.set('/debian-tracker/data.json', served(readFileSync(vulndata('samples/anchore-vunnel/tests/unit/providers/debian/test-fixtures/input/debian.json'))));
  for (const release of ALPINE_RELEASES) {
    for (const repository of ALPINE_REPOSITORIES) {
      files.set(`/alpine-secdb/${release}/${repository}.json`, served(Buffer.from(JSON.stringify({ distroversion: release, reponame: repository, packages: [] }))));
    }
  }
  const packages = ['busybox', 'curl', 'musl', 'openssl'].map((name) => {
    const { name: pkg, secfixes } = JSON.parse(readFileSync(vulndata(`vuln-list/alpine/3.20/main/${name}.json`), 'utf8')) as { name: string; secfixes: unknown };
    return { pkg: { name: pkg, secfixes } };
  });
  files.set('/alpine-secdb/v3.20/main.json', served(Buffer.from(JSON.stringify({ distroversion: 'v3.20', reponame: 'main', packages }))));
  return files;
}

export async function startFeedServer(files = defaultFeedFiles()): Promise<FeedServer> {
  const requests: FeedServer['requests'] = [];
  const server: Server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname);
    const file = files.get(path);
    const record = (status: number) => requests.push({ path, status, headers: request.headers });
    if (!file) {
      record(404);
      response.writeHead(404).end();
      return;
    }
    const md5 = createHash('md5').update(file.wrongMd5 ? Buffer.from('something else') : file.body).digest('base64');
    const common = { etag: file.etag, 'last-modified': LAST_MODIFIED, 'x-goog-hash': `crc32c=AAAAAA==,md5=${md5}` };
    if (request.headers['if-none-match'] === file.etag) {
      record(304);
      response.writeHead(304, common).end();
      return;
    }
    const range = /^bytes=(\d+)-$/.exec(request.headers.range ?? '');
    const ifRange = request.headers['if-range'];
    if (range && (ifRange === undefined || ifRange === file.etag) && Number(range[1]) < file.body.length) {
      const start = Number(range[1]);
      record(206);
      response.writeHead(206, {
        ...common,
        'content-length': file.body.length - start,
        'content-range': `bytes ${start}-${file.body.length - 1}/${file.body.length}`,
      });
      response.end(file.body.subarray(start));
      return;
    }
    record(200);
    response.writeHead(200, { ...common, 'content-length': file.body.length });
    if (file.cutAfter !== undefined) {
      const cut = file.cutAfter;
      delete file.cutAfter;
      // A half-closed connection after part of the body: what a dropped proxy or network looks like.
      response.write(file.body.subarray(0, cut), () => setTimeout(() => response.socket?.end(), 50));
      return;
    }
    response.end(file.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    files,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
