/**
 * A CA and a serving certificate for the webhook, made when no certificate is given. The API server
 * checks the webhook's certificate against the caBundle of the webhook configuration and the
 * Service's DNS names, so the certificate names `SERVICE.NAMESPACE.svc` (and the shorter and longer
 * forms). node:crypto makes keys but not X.509 certificates, so Debian's `openssl` (always present
 * where Portcullis runs its tests and in its image) signs them; keys never leave a private temporary
 * directory that is removed afterwards.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PortcullisError } from '../core/index.ts';

const run = promisify(execFile);

export interface WebhookCertificate {
  /** PEM of the CA: the caBundle (base64 of it) of the webhook configurations. */
  caCert: string;
  cert: string;
  key: string;
}

export interface CertificateOptions {
  serviceName: string;
  namespace: string;
  /** More names or IP addresses to put in the certificate (e.g. 127.0.0.1 for a local test). */
  extraNames?: readonly string[];
  /** Lifetime in days (default 825, the longest many TLS clients accept). */
  days?: number;
}

const DNS_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/** The DNS names the API server may use to reach the Service. */
export function serviceNames(serviceName: string, namespace: string): string[] {
  if (!DNS_LABEL.test(serviceName)) throw new PortcullisError('USAGE', `service name ${JSON.stringify(serviceName)} is not a DNS label`);
  if (!DNS_LABEL.test(namespace)) throw new PortcullisError('USAGE', `namespace ${JSON.stringify(namespace)} is not a DNS label`);
  return [serviceName, `${serviceName}.${namespace}`, `${serviceName}.${namespace}.svc`, `${serviceName}.${namespace}.svc.cluster.local`];
}

export async function generateWebhookCertificate(options: CertificateOptions): Promise<WebhookCertificate> {
  const names = [...serviceNames(options.serviceName, options.namespace), ...(options.extraNames ?? [])];
  for (const name of options.extraNames ?? []) {
    if (isIP(name) === 0 && !/^[A-Za-z0-9.-]{1,253}$/.test(name)) throw new PortcullisError('USAGE', `${JSON.stringify(name)} is neither a host name nor an IP address`);
  }
  const san = names.map((name) => (isIP(name) === 0 ? `DNS:${name}` : `IP:${name}`)).join(',');
  const days = String(options.days ?? 825);
  const dir = await mkdtemp(join(tmpdir(), 'portcullis-webhook-tls-'));
  const file = (name: string) => join(dir, name);
  try {
    const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
    await openssl(['req', '-x509', ...ec, '-keyout', file('ca.key'), '-out', file('ca.crt'), '-days', days, '-subj', `/CN=${options.serviceName}-ca`, '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
    await openssl(['req', ...ec, '-keyout', file('tls.key'), '-out', file('tls.csr'), '-subj', `/CN=${options.serviceName}.${options.namespace}.svc`]);
    await writeFile(file('ext.cnf'), `subjectAltName=${san}\nextendedKeyUsage=serverAuth\nkeyUsage=critical,digitalSignature,keyEncipherment\nbasicConstraints=CA:FALSE\n`);
    await openssl(['x509', '-req', '-in', file('tls.csr'), '-CA', file('ca.crt'), '-CAkey', file('ca.key'), '-CAcreateserial', '-out', file('tls.crt'), '-days', days, '-extfile', file('ext.cnf')]);
    const [caCert, cert, key] = await Promise.all(['ca.crt', 'tls.crt', 'tls.key'].map((name) => readFile(file(name), 'utf8')));
    return { caCert: caCert ?? '', cert: cert ?? '', key: key ?? '' };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function openssl(args: string[]): Promise<void> {
  try {
    await run('openssl', args, { timeout: 30_000 });
  } catch (error) {
    const failure = error as NodeJS.ErrnoException & { stderr?: string };
    if (failure.code === 'ENOENT') throw new PortcullisError('UNSUPPORTED', 'making a webhook certificate needs openssl on PATH (Debian package openssl), or give --tls-cert and --tls-key', { cause: error });
    throw new PortcullisError('INTERNAL', `openssl ${args[0]} failed: ${(failure.stderr ?? failure.message).trim().slice(0, 500)}`, { cause: error });
  }
}
