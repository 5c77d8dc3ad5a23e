/**
 * One test per check: each fires on its bad Dockerfiles (at the instruction's line) and stays
 * silent on its good ones. A check without cases here fails the last test.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ALL_DOCKERFILE_CHECK_IDS, lintDockerfile } from '../lint.ts';
import type { DockerfileLintOptions } from './check.ts';

const DIGEST = `sha256:${'ab'.repeat(32)}`;
const GITHUB_TOKEN = `ghp_${'Xq7pL2mN9rT4vB8kW3yZ5cD1fG6hJ0sA'}Ue4R`;

interface Case {
  /** Dockerfiles on which the check must fire, each with the line(s) it must report. */
  bad: Array<[text: string, lines: number[]]>;
  good: string[];
  options?: DockerfileLintOptions;
}

const CASES: Record<string, Case> = {
  'PC-DF-001': {
    bad: [['FROM alpine\n', [1]], ['FROM alpine:3.20 AS a\nFROM ghcr.io/acme/app:latest\n', [2]]],
    good: ['FROM alpine:3.20\n', `FROM alpine@${DIGEST}\n`, 'FROM scratch\n', 'FROM alpine:3.20 AS base\nFROM base\n'],
  },
  'PC-DF-002': {
    bad: [['FROM alpine:3.20\n', [1]], ['ARG V=3.20\nFROM alpine:${V}\n', [2]]],
    good: [`FROM alpine:3.20@${DIGEST}\n`, 'FROM scratch\n', 'FROM alpine\n'],
  },
  'PC-DF-003': {
    options: { allowedRegistries: ['ghcr.io/acme', 'docker.io/library'] },
    bad: [['FROM ghcr.io/acme-evil/app:1\n', [1]], ['FROM quay.io/acme/app:1 AS b\nFROM alpine:3.20\n', [1]], ['FROM someone/alpine:3\n', [1]]],
    good: ['FROM ghcr.io/acme/base/python:3.12\n', 'FROM alpine:3.20\nFROM scratch\n', 'FROM index.docker.io/library/debian:12\n'],
  },
  'PC-DF-004': {
    bad: [['FROM alpine:3.20\n', [1]], ['FROM alpine:3.20\nUSER app\nUSER 0:0\n', [3]], ['FROM alpine:3.20 AS b\nUSER app\nFROM scratch\nCOPY --from=b /x /x\n', [3]], ['FROM alpine:3.20\nUSER root\n', [2]]],
    good: ['FROM alpine:3.20\nUSER 10001\n', 'FROM alpine:3.20 AS base\nUSER app\nFROM base\n', 'FROM alpine:3.20\nUSER root\nRUN make\nUSER app:app\n'],
  },
  'PC-DF-005': {
    bad: [['FROM a:1\nADD https://example.com/tool.tgz /opt/\n', [2]], ['FROM a:1\nADD ["http://example.com/x", "/x"]\n', [2]], ['FROM a:1\nADD git@github.com:acme/repo.git /src\n', [2]]],
    good: [`FROM a:1\nADD --checksum=${DIGEST} https://example.com/tool.tgz /opt/\n`, 'FROM a:1\nCOPY tool.tgz /opt/\n'],
  },
  'PC-DF-006': {
    bad: [['FROM a:1\nADD app.py /app/\n', [2]], ['FROM a:1\nADD ["src", "/src"]\n', [2]]],
    good: ['FROM a:1\nADD rootfs.tar.gz /\n', 'FROM a:1\nADD vendor.tar.zst /opt/\n', 'FROM a:1\nCOPY app.py /app/\n'],
  },
  'PC-DF-007': {
    bad: [
      ['FROM a:1\nENV DB_PASSWORD=Sup3rS3cret!\n', [2]],
      ['FROM a:1\nENV API_KEY hunter2hunter2\n', [2]],
      ['ARG NPM_TOKEN=abcdef0123456789\nFROM a:1\n', [1]],
      ['FROM a:1\nLABEL client_secret="0a1b2c3d4e5f"\n', [2]],
      [`FROM a:1\nRUN git clone https://${GITHUB_TOKEN}@github.com/acme/app.git\n`, [2]],
      [`FROM a:1\nENV GH=${GITHUB_TOKEN}\n`, [2]],
    ],
    good: [
      'FROM a:1\nENV DB_PASSWORD_FILE=/run/secrets/db\n',
      'FROM a:1\nARG NPM_TOKEN\nENV TOKEN=$NPM_TOKEN\n',
      'FROM a:1\nENV PASSWORD=${PASSWORD} SECRET_ENABLED=true\n',
      'FROM a:1\nRUN --mount=type=secret,id=npm npm ci\n',
    ],
  },
  'PC-DF-008': {
    bad: [['FROM a:1\nRUN apt-get update && apt-get install -y curl\n', [2]]],
    good: ['FROM a:1\nRUN apt-get update && apt-get install -y --no-install-recommends curl\n', 'FROM a:1\nRUN apt-get -o APT::Install-Recommends=false install -y curl\n'],
  },
  'PC-DF-009': {
    bad: [['FROM a:1\nRUN apt-get update\nRUN apt-get install -y curl\n', [2]], ['FROM a:1\nRUN apk update\n', [2]]],
    good: ['FROM a:1\nRUN apt-get update && apt-get install -y curl\n', 'FROM a:1\nRUN apk update && apk add curl\n'],
  },
  'PC-DF-010': {
    bad: [['FROM a:1\nRUN apt-get update && apt-get install -y curl\n', [2]]],
    good: [
      'FROM a:1\nRUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*\n',
      'FROM a:1\nRUN --mount=type=cache,target=/var/lib/apt apt-get update && apt-get install -y curl\n',
    ],
  },
  'PC-DF-011': {
    bad: [['FROM a:1\nRUN apt-get install -y curl ca-certificates=20230311\n', [2]]],
    good: ['FROM a:1\nRUN apt-get install -y curl=7.88.1-10+deb12u8 ./local.deb\n'],
  },
  'PC-DF-012': {
    bad: [['FROM a:1\nRUN apt-get install curl=1\n', [2]], ['FROM a:1\nRUN apt install -q curl=1\n', [2]]],
    good: ['FROM a:1\nRUN apt-get install -y curl\n', 'FROM a:1\nRUN apt-get -qq install curl\n', 'FROM a:1\nRUN apt-get install --yes curl\n', 'FROM a:1\nRUN apt-get install -qy curl\n'],
  },
  'PC-DF-013': {
    bad: [['FROM a:1\nRUN apk add curl=8.9.1-r2\n', [2]]],
    good: ['FROM a:1\nRUN apk add --no-cache curl\n', 'FROM a:1\nRUN apk add curl && rm -rf /var/cache/apk/*\n'],
  },
  'PC-DF-014': {
    bad: [['FROM a:1\nRUN apk add --no-cache --virtual .deps curl bash=5.2.26-r0\n', [2]]],
    good: ['FROM a:1\nRUN apk add --no-cache --virtual .deps curl=8.9.1-r2 bash~5.2\n'],
  },
  'PC-DF-015': {
    bad: [['FROM a:1\nRUN pip install flask==3.0.3\n', [2]], ['FROM a:1\nRUN python3 -m pip install flask==3.0.3\n', [2]]],
    good: ['FROM a:1\nRUN pip install --no-cache-dir flask==3.0.3\n', 'FROM a:1\nENV PIP_NO_CACHE_DIR=1\nRUN pip3 install flask==3.0.3\n'],
  },
  'PC-DF-016': {
    bad: [['FROM a:1\nRUN pip install --no-cache-dir flask requests==2.32.3\n', [2]]],
    good: [
      'FROM a:1\nRUN pip install --no-cache-dir flask==3.0.3\n',
      'FROM a:1\nRUN pip install --no-cache-dir -r requirements.txt .\n',
      'FROM a:1\nRUN pip install --no-cache-dir -c constraints.txt flask\n',
      'FROM a:1\nRUN pip install --no-cache-dir -i https://pypi.example.com/simple ./dist/app-1.0-py3-none-any.whl\n',
    ],
  },
  'PC-DF-017': {
    bad: [
      ['FROM a:1\nRUN curl -fsSL https://get.example.com | sh\n', [2]],
      ['FROM a:1\nRUN wget -qO- https://x.example/i.sh | sudo bash -s -- --yes\n', [2]],
      ['FROM a:1\nRUN sh -c "$(curl -fsSL https://x.example/install.sh)"\n', [2]],
      ['FROM a:1\nRUN <<EOF\nset -e\ncurl -sL https://x.example | python3 -\nEOF\n', [2]],
      ['FROM a:1\nRUN ["/bin/sh", "-c", "curl -s https://x.example | bash"]\n', [2]],
    ],
    good: ['FROM a:1\nRUN curl -fsSLo /tmp/i.sh https://x.example/i.sh && sha256sum -c i.sha256 && sh /tmp/i.sh\n', 'FROM a:1\nRUN curl -fsSL https://x.example/a.tgz | tar -xz -C /opt\n'],
  },
  'PC-DF-018': {
    bad: [['FROM a:1\nRUN sudo apt-get install -y curl\n', [2]], ['FROM a:1\nRUN make && sudo -u app make install\n', [2]]],
    good: ['FROM a:1\nRUN apt-get install -y curl\n', 'FROM a:1\nRUN echo sudo\n'],
  },
  'PC-DF-019': {
    bad: [['FROM a:1\n', [1]], ['FROM a:1\nHEALTHCHECK NONE\n', [2]], ['FROM a:1 AS b\nHEALTHCHECK CMD true\nFROM a:1\n', [3]]],
    good: ['FROM a:1\nHEALTHCHECK --interval=30s CMD wget -q --spider http://127.0.0.1/health || exit 1\n', 'FROM a:1 AS b\nHEALTHCHECK CMD true\nFROM b\n'],
  },
  'PC-DF-020': {
    bad: [['FROM a:1\nRUN apt-get install -y --no-install-recommends build-essential=12.9 gcc-12\n', [2]], ['FROM a:1 AS b\nFROM a:1\nRUN apk add --no-cache make cmake\n', [3]]],
    good: [
      'FROM a:1 AS build\nRUN apt-get install -y gcc make\nFROM a:1\nCOPY --from=build /out /app\n',
      'FROM a:1\nRUN apk add --no-cache --virtual .build gcc musl-dev && make && apk del .build\n',
      'FROM a:1\nRUN apt-get install -y makeself libgcc-s1\n',
    ],
  },
  'PC-DF-021': {
    bad: [['FROM a:1\nEXPOSE 8080 70000\n', [2]], ['FROM a:1\nEXPOSE 80/http\n', [2]], ['FROM a:1\nEXPOSE 0\n', [2]]],
    good: ['FROM a:1\nEXPOSE 8080/tcp 53/udp 7000-7010 $PORT\n'],
  },
  'PC-DF-022': {
    bad: [['FROM a:1\nEXPOSE 22\n', [2]], ['FROM a:1\nEXPOSE 20-25/tcp\n', [2]]],
    good: ['FROM a:1\nEXPOSE 2222 8022\n'],
  },
  'PC-DF-023': {
    bad: [['FROM a:1\nRUN chmod 777 /app\n', [2]], ['FROM a:1\nRUN chmod -R a+rwx /data\n', [2]], ['FROM a:1\nRUN chmod 0666 /etc/app.conf\n', [2]], ['FROM a:1\nRUN chmod o+w /srv\n', [2]]],
    good: ['FROM a:1\nRUN chmod 1777 /scratch && chmod 755 /app && chmod u+x /app/run && chmod -R go-w /srv\n'],
  },
  'PC-DF-024': {
    bad: [['FROM a:1\nWORKDIR app\n', [2]]],
    good: ['FROM a:1\nWORKDIR /app\n', 'FROM a:1\nWORKDIR $HOME/app\n', 'FROM a:1\nWORKDIR "/srv/my app"\n'],
  },
  'PC-DF-025': {
    bad: [['FROM a:1\nRUN --security=insecure make install\n', [2]]],
    good: ['FROM a:1\nRUN --security=sandbox make\n', 'FROM a:1\nRUN --network=none make\n'],
  },
  'PC-DF-026': {
    bad: [['FROM a:1\nMAINTAINER ops@example.com\n', [2]]],
    good: ['FROM a:1\nLABEL org.opencontainers.image.authors="ops@example.com"\n'],
  },
  'PC-DF-027': {
    bad: [['FROM a:1\nRUN cd /src && make\n', [2]], ['FROM a:1\nRUN if true; then cd /x; fi\n', [2]]],
    good: ['FROM a:1\nWORKDIR /src\nRUN make\n', 'FROM a:1\nRUN echo cd\n'],
  },
  'PC-DF-028': {
    bad: [['FROM a:1\nCOPY a.txt b.txt /app\n', [2]], ['FROM a:1\nCOPY ["a", "b", "/app"]\n', [2]]],
    good: ['FROM a:1\nCOPY a.txt b.txt /app/\n', 'FROM a:1\nCOPY a.txt /app\n', 'FROM a:1\nCOPY <<A <<B /app\none\nA\ntwo\nB\n'],
  },
  'PC-DF-029': {
    bad: [
      ['FROM a:1\nRUN curl -fsSLk https://x.example -o /x\n', [2]],
      ['FROM a:1\nRUN wget --no-check-certificate https://x.example\n', [2]],
      ['FROM a:1\nRUN pip install --no-cache-dir --trusted-host pypi.example.com a==1\n', [2]],
      ['FROM a:1\nRUN apt-get install -y --allow-unauthenticated curl\n', [2]],
      ['FROM a:1\nENV NODE_TLS_REJECT_UNAUTHORIZED=0\n', [2]],
      ['FROM a:1\nRUN git -c http.sslVerify=false clone https://x.example/r.git\n', [2]],
      ['FROM a:1\nRUN echo "deb [trusted=yes] http://repo.example stable main" > /etc/apt/sources.list.d/x.list\n', [2]],
      ['FROM a:1\nRUN apk add --allow-untrusted /tmp/x.apk\n', [2]],
    ],
    good: ['FROM a:1\nRUN curl -fsSL https://x.example -o /x && wget -k https://x.example\n', 'FROM a:1\nENV NODE_TLS_REJECT_UNAUTHORIZED=1\n'],
  },
  'PC-DF-030': {
    bad: [['FROM a:1\nRUN yum install -y httpd\n', [2]], ['FROM a:1\nRUN zypper --non-interactive install nginx\n', [2]]],
    good: ['FROM a:1\nRUN dnf install -y httpd && dnf clean all\n', 'FROM a:1\nRUN zypper -n in nginx && zypper clean --all\n', 'FROM a:1\nRUN microdnf install -y x && rm -rf /var/cache/yum\n'],
  },
  'PC-DF-031': {
    bad: [['FROM a:1\n# portcullis:ignore=PC-DF-026\nMAINTAINER x\n', [2]]],
    good: ['FROM a:1\n# portcullis:ignore=PC-DF-026 kept for an old release tool\nMAINTAINER x\n'],
  },
};

function linesOf(id: string, text: string, options: DockerfileLintOptions = {}): number[] {
  return lintDockerfile({ file: 'Dockerfile', text }, options).findings.filter((finding) => finding.checkId === id).map((finding) => finding.line);
}

describe('Dockerfile checks', () => {
  for (const [id, { bad, good, options }] of Object.entries(CASES)) {
    it(`${id} fires on its bad cases and stays silent on its good ones`, () => {
      for (const [text, lines] of bad) assert.deepEqual(linesOf(id, text, options), lines, `${id} on:\n${text}`);
      for (const text of good) assert.deepEqual(linesOf(id, text, options), [], `${id} must not fire on:\n${text}`);
    });
  }

  it('PC-DF-003 runs only with an allow-list', () => {
    assert.deepEqual(linesOf('PC-DF-003', 'FROM quay.io/x/y:1\n'), []);
    assert.deepEqual(linesOf('PC-DF-003', 'FROM quay.io/x/y:1\n', { allowedRegistries: ['ghcr.io/acme'] }), [1]);
  });

  it('PC-DF-007 shows secrets redacted', () => {
    const { findings } = lintDockerfile({ file: 'Dockerfile', text: `FROM a:1\nENV DB_PASSWORD=Sup3rS3cret!\nENV GH=${GITHUB_TOKEN}\n` });
    const messages = findings.filter((finding) => finding.checkId === 'PC-DF-007').map((finding) => finding.message);
    assert.equal(messages.length, 2);
    for (const message of messages) {
      assert.doesNotMatch(message, /Sup3rS3cret!|Xq7pL2mN9rT4/);
      assert.match(message, /…/);
    }
    assert.match(messages[1] ?? '', /GitHub token/);
  });

  it('has cases for every check', () => {
    assert.deepEqual(Object.keys(CASES).sort(), [...ALL_DOCKERFILE_CHECK_IDS].sort());
  });
});
