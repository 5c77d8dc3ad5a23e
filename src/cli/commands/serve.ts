/**
 * `portcullis serve`: runs the registry (OCI distribution API) on HOST:PORT with its data under DIR,
 * until SIGINT or SIGTERM. Composition root of the server: opens the stores, builds the app, listens.
 */
import { readFile } from 'node:fs/promises';
import { openRegistry } from '../../registry/index.ts';
import { RegistryScanner, type RegistryScannerOptions, parseWebhookUrl } from '../../registry-scan/index.ts';
import { build, type ServerExtension } from '../../server/index.ts';
import { PullGate, openPolicyStore } from '../../registry-policy/index.ts';
import { SEVERITY_ORDER } from '../../vuln/index.ts';
import { choice, loggerFor, parseCommandLine, usageError } from '../args.ts';
import { PORTCULLIS_VERSION } from '../version.ts';
import { ACCESS_HELP, ACCESS_OPTIONS, openAccess } from './serve-access.ts';
import { LIFECYCLE_HELP, LIFECYCLE_OPTIONS, openLifecycle } from './serve-lifecycle.ts';
import { SIGNING_HELP, SIGNING_OPTIONS, openSigning } from './serve-signing.ts';
import { registerManagementApi } from '../../server/api/management/index.ts';
import { CONFIG_HELP, CONFIG_OPTIONS, applyConfigFile } from './serve-config.ts';
import { METADATA_HELP, METADATA_OPTIONS, openMetadata } from './serve-metadata.ts';
import { ADMISSION_HELP, ADMISSION_OPTIONS, openServeAdmission } from './serve-admission.ts';
import { CONTINUOUS_HELP, CONTINUOUS_OPTIONS, openContinuous } from './serve-continuous.ts';
import { POLICY_HELP, POLICY_OPTIONS, openServePolicy } from './serve-policy.ts';
import { DEFAULT_LISTEN, defaultDataDir, parseListen } from './serve-location.ts';

export const SERVE_HELP = `Usage: portcullis serve [options]

Runs an OCI registry (distribution spec v1.1) that CI pushes to and clusters pull from, with a
management REST API under /api/v1 (docs/management-api.md).

Options:
      --listen HOST:PORT  address to listen on (default 127.0.0.1:5000; [::1]:5000 for IPv6)
      --data DIR          data directory: blobs, uploads and metadata.db (default
                          $XDG_STATE_HOME/portcullis, else ~/.local/state/portcullis)

Scanning (every pushed image is queued, scanned, and its CycloneDX SBOM attached as a referrer):
      --db FILE           advisory database to match against (see portcullis db); without it,
                          inventories and SBOMs are stored and nothing is matched. When the file
                          changes (db update, db import) or on SIGHUP, every stored image is re-matched
      --scan-workers N    scans run at once (default 1; 0 queues without scanning)
      --webhook URL       POST events (push, delete, scan.completed, scan.failed, findings.new) to
                          URL; repeatable
      --webhook-secret-file FILE
                          shared secret for the X-Portcullis-Signature HMAC-SHA256 header
      --webhook-min-severity LEVEL
                          findings.new lists new findings at or above LEVEL (default HIGH)

${ACCESS_HELP}

${LIFECYCLE_HELP}

${SIGNING_HELP}

${METADATA_HELP}

${POLICY_HELP}

${ADMISSION_HELP}

${CONTINUOUS_HELP}

${CONFIG_HELP}

  -q, --quiet             log only errors
      --debug             log every request
  -h, --help              this help`;

export const OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  quiet: { type: 'boolean', short: 'q' },
  debug: { type: 'boolean' },
  listen: { type: 'string' },
  data: { type: 'string' },
  db: { type: 'string' },
  'scan-workers': { type: 'string' },
  webhook: { type: 'string', multiple: true },
  'webhook-secret-file': { type: 'string' },
  'webhook-min-severity': { type: 'string' },
  ...ACCESS_OPTIONS,
  ...LIFECYCLE_OPTIONS,
  ...SIGNING_OPTIONS,
  ...METADATA_OPTIONS,
  ...POLICY_OPTIONS,
  ...ADMISSION_OPTIONS,
  ...CONTINUOUS_OPTIONS,
  ...CONFIG_OPTIONS,
} as const;

const SEVERITY_LEVELS = SEVERITY_ORDER.filter((level) => level !== 'NONE');

type ServeValues = ReturnType<typeof parseCommandLine<typeof OPTIONS>>['values'];

/** The scanning options of the command line, checked; the secret is read from its file. */
export async function scanningOptions(values: ServeValues): Promise<Omit<RegistryScannerOptions, 'registry' | 'dataDir' | 'logger'>> {
  const workers = values['scan-workers'] ?? '1';
  if (!/^\d{1,3}$/.test(workers)) throw usageError(`--scan-workers takes a whole number, got ${JSON.stringify(workers)}`);
  const secretFile = values['webhook-secret-file'];
  let secret: string | undefined;
  if (secretFile !== undefined) {
    secret = (await readFile(secretFile, 'utf8').catch((error: unknown) => {
      throw usageError(`--webhook-secret-file ${secretFile}: ${(error as Error).message}`);
    })).replace(/\r?\n$/, '');
    if (secret === '') throw usageError(`--webhook-secret-file ${secretFile} is empty`);
  }
  const minSeverity = choice('webhook-min-severity', values['webhook-min-severity']?.toUpperCase(), SEVERITY_LEVELS, 'HIGH');
  return {
    ...(values.db !== undefined && { advisoryDb: values.db }),
    scanWorkers: Number(workers),
    webhooks: { urls: (values.webhook ?? []).map(parseWebhookUrl), ...(secret !== undefined && { secret }), minSeverity },
    toolVersion: PORTCULLIS_VERSION,
  };
}

export async function serveCommand(args: string[]): Promise<number> {
  const { values: commandLine, positionals } = parseCommandLine(args, OPTIONS);
  const values = commandLine.config === undefined || commandLine.help === true ? commandLine : await applyConfigFile(commandLine.config, OPTIONS, commandLine);
  if (values.help) {
    process.stdout.write(`${SERVE_HELP}\n`);
    return 0;
  }
  if (positionals.length > 0) throw usageError(`serve takes no arguments, got ${positionals.join(' ')}`);
  const { host, port } = parseListen(values.listen ?? DEFAULT_LISTEN);
  const dataDir = values.data ?? defaultDataDir();
  const logger = loggerFor(values);
  const scanning = await scanningOptions(values);

  const lifecycle = openLifecycle(values, dataDir, logger);
  const registry = await openRegistry({ dataDir, tagGuard: lifecycle.tagGuard });
  // After the registry made the data directory; before the scanner starts, so a bad option stops early.
  const access = await openAccess(values, { host, port }, dataDir, logger);
  const scanner = new RegistryScanner({ ...scanning, registry, dataDir, logger });
  scanner.start();
  if (scanning.advisoryDb === undefined) logger.warn('no --db: pushed images are inventoried and get an SBOM, but nothing is matched');
  // Pull gates read policy.db (written by portcullis admin) and the scanner's results on every pull.
  const policy = openPolicyStore(dataDir);
  const policyLayers = await openServePolicy(values, dataDir, logger);
  const pullGate = new PullGate({ store: policy, scans: scanner, layers: policyLayers.pullLayers, registryHost: values.service ?? values.listen ?? DEFAULT_LISTEN, onBlocked: (blocked) => {
    logger.info(blocked.reason);
    scanner.notify({ type: 'pull.blocked', data: blocked });
  } });
  // Each API beside the distribution API registers itself here (see ServerExtension).
  const extensions: ServerExtension[] = [];
  extensions.push(lifecycle.start(registry, access.access));
  const signing = openSigning(values, { registry, scanner, dataDir, listen: { host, port }, access: access.access, logger });
  extensions.push(...signing.extensions);
  extensions.push(registerManagementApi({ registry, scanner, policy, version: PORTCULLIS_VERSION, dataDir }));
  const metadata = openMetadata(values, { host, port }, dataDir, { scanner, policy, logger, signer: signing.signer });
  extensions.push(metadata.extension);
  const continuous = openContinuous(values, dataDir, { scanner, recordAdmission: metadata.recordAdmission, logger });
  const admission = await openServeAdmission(values, { registry, scanner, labels: policy, alertBreakGlass: (event) => scanner.notify({ type: 'admission.break_glass', data: event }), recordDeployment: continuous.recordDeployment, layers: policyLayers.layers, organisationPolicy: values.policy !== undefined, onCreated: continuous.onCreated, logger });
  extensions.push(...admission.extensions, continuous.extension, policyLayers.extension);
  const app = build({ registry, logger, tls: access.tls, pullGate, extensions, ...access.access });
  const address = await app.listen({ host, port });
  await continuous.start();
  process.stdout.write(`portcullis serve: listening on ${address} (data in ${dataDir})\n`);

  const rescan = () => {
    logger.info('SIGHUP: rescanning stored images');
    scanner.rescanAll().catch((error: unknown) => logger.error(`rescan failed: ${(error as Error).message}`));
  };
  process.on('SIGHUP', rescan);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  process.off('SIGHUP', rescan);
  await app.close();
  // Before the scanner closes: queued re-evaluations still read its results.
  await continuous.close();
  await lifecycle.close();
  await signing.close();
  await scanner.close();
  metadata.close();
  admission.close();
  policyLayers.close();
  policy.close();
  await registry.close();
  access.close();
  return 0;
}
