/**
 * A small multi-layer image that exercises what the inventory must get right: a symlinked
 * os-release, a dpkg database rewritten by a later layer, a Debian-owned Python egg-info, npm packages
 * (scoped, root application), a whiteout, and all three layer compressions.
 */
import type { ImageSpec } from './image-builder.ts';

const OS_RELEASE = 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\nVERSION_ID="12"\nVERSION_CODENAME=bookworm\n';

function dpkgStatus(...paragraphs: string[]): string {
  return paragraphs.map((p) => `${p.trim()}\n`).join('\n');
}
const LIBFOO = 'Package: libfoo1\nStatus: install ok installed\nArchitecture: amd64\nSource: foo (1.0-1)\nVersion: 1.0-1+b1';
const REQUESTS = 'Package: python3-requests\nStatus: install ok installed\nArchitecture: all\nSource: requests\nVersion: 2.28.1+dfsg-1';
const LIBBAR = 'Package: libbar2\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1:2.0-3';
const EGG_INFO = 'usr/lib/python3/dist-packages/requests-2.28.1.egg-info/PKG-INFO';

const npmManifest = (name: string, version: string) => JSON.stringify({ name, version, license: 'MIT' });

export const SAMPLE_IMAGE: ImageSpec = {
  labels: { team: 'payments' },
  layers: [
    {
      compression: 'gzip',
      createdBy: '/bin/sh -c #(nop) ADD file:base in /',
      entries: [
        { path: 'usr/lib/os-release', content: OS_RELEASE },
        { path: 'etc/os-release', type: 'symlink', linkname: '../usr/lib/os-release' },
        { path: 'var/lib/dpkg/status', content: dpkgStatus(LIBFOO, REQUESTS) },
        { path: 'var/lib/dpkg/info/python3-requests.list', content: `/.\n/usr\n/${EGG_INFO}\n` },
        { path: EGG_INFO, content: 'Metadata-Version: 1.2\nName: requests\nVersion: 2.28.1\nLicense: Apache 2.0\n' },
      ],
    },
    {
      compression: 'zstd',
      createdBy: 'COPY app /app # buildkit',
      entries: [
        { path: 'app/package.json', content: npmManifest('shop', '3.1.0') },
        { path: 'app/node_modules/left-pad/package.json', content: npmManifest('left-pad', '1.3.0') },
        { path: 'app/node_modules/lodash/package.json', content: npmManifest('lodash', '4.17.20') },
        { path: 'app/node_modules/@babel/core/package.json', content: npmManifest('@babel/core', '7.22.0') },
      ],
    },
    {
      compression: 'none',
      createdBy: 'RUN rm -rf /app/node_modules/lodash && npm i express && apt-get install libbar2',
      entries: [
        { path: 'app/node_modules/.wh.lodash', content: '' },
        { path: 'app/node_modules/express/package.json', content: npmManifest('express', '4.17.1') },
        { path: 'var/lib/dpkg/status', content: dpkgStatus(LIBFOO, REQUESTS, LIBBAR) },
      ],
    },
  ],
};

