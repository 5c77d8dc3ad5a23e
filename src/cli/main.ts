/**
 * The command-line composition root: picks the command, runs it, and turns errors into messages
 * and exit codes (docs/exit-codes.md): 0 success, 1 findings over the threshold, 2 usage or input
 * error, 3 internal error.
 */
import { isPortcullisError } from '../core/index.ts';
import { PORTCULLIS_VERSION } from './version.ts';

export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_USAGE_OR_INPUT = 2;
export const EXIT_INTERNAL = 3;

type Command = (args: string[]) => Promise<number>;

/** Commands load only when they run, so start-up stays fast and no command pays for another's imports. */
const COMMANDS: Record<string, () => Promise<Command>> = {
  admin: async () => (await import('./commands/admin.ts')).adminCommand,
  admission: async () => (await import('./commands/admission.ts')).admissionCommand,
  attest: async () => (await import('./commands/attest.ts')).attestCommand,
  compliance: async () => (await import('./commands/compliance.ts')).complianceCommand,
  copy: async () => (await import('./commands/copy.ts')).copyCommand,
  db: async () => (await import('./commands/db.ts')).dbCommand,
  gc: async () => (await import('./commands/gc.ts')).gcCommand,
  keys: async () => (await import('./commands/keys.ts')).keysCommand,
  lint: async () => (await import('./commands/lint.ts')).lintCommand,
  login: async () => (await import('./commands/login.ts')).loginCommand,
  policy: async () => (await import('./commands/policy.ts')).policyCommand,
  retention: async () => (await import('./commands/retention.ts')).retentionCommand,
  sbom: async () => (await import('./commands/sbom.ts')).sbomCommand,
  scan: async () => (await import('./commands/scan.ts')).scanCommand,
  secrets: async () => (await import('./commands/secrets.ts')).secretsCommand,
  serve: async () => (await import('./commands/serve.ts')).serveCommand,
  sign: async () => (await import('./commands/sign.ts')).signCommand,
  status: async () => (await import('./commands/status.ts')).statusCommand,
  verify: async () => (await import('./commands/verify.ts')).verifyCommand,
  'verify-attestation': async () => (await import('./commands/verify.ts')).verifyAttestationCommand,
};

const HELP = `Usage: portcullis COMMAND [options]

Portcullis keeps untrusted container images out of production.

Commands:
  admin ...       manage registry users, robot accounts and projects (in --data)
  admission       run the Kubernetes admission webhook (admission manifests: install it)
  attest IMAGE    sign an in-toto attestation (SBOM, scan, provenance) about an image
  compliance ...  pass/fail per control of CIS Docker, CIS Kubernetes or NIST SP 800-190
  copy SRC DST    copy an image with its signatures, attestations and SBOMs
  db COMMAND      build and inspect the advisory database (import, status, update)
  gc              delete unreferenced blobs and abandoned uploads from the registry (--data)
  keys COMMAND    signing keys: generate, import, export-public, list, delete (files and PKCS#11)
  lint KIND ...   check Dockerfiles (lint dockerfile) and Kubernetes manifests (lint k8s)
  login HOST      save registry credentials (REGISTRY_AUTH_FILE or ~/.docker/config.json)
  policy ...      decide about an image with a policy (policy eval) and test policies (policy test)
  retention run   delete artifacts the projects' retention rules do not keep (--dry-run)
  sbom TARGET     list what is installed in an image or directory (CycloneDX, SPDX, JSON, table)
  scan TARGET     find known vulnerabilities in an image, directory or SBOM
  secrets TARGET  find leaked credentials (and with --pii, personal data) in every layer
  serve           run the registry (OCI distribution API) on --listen HOST:PORT
  sign IMAGE      sign an image's digest as cosign does (.sig tag and OCI referrer)
  status          running images and whether they still pass the admission policy (--server)
  verify IMAGE    verify an image's signatures against a key (verify-attestation: attestations)
  version         print the version

Run 'portcullis COMMAND --help' for a command's options. Documentation: docs/README.md`;

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    process.stdout.write(`${HELP}\n`);
    return command === undefined ? EXIT_USAGE_OR_INPUT : EXIT_OK;
  }
  if (command === 'version' || command === '--version') {
    process.stdout.write(`portcullis ${PORTCULLIS_VERSION}\n`);
    return EXIT_OK;
  }
  const load = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
  if (!load) {
    process.stderr.write(`portcullis: unknown command '${command}' (see portcullis --help)\n`);
    return EXIT_USAGE_OR_INPUT;
  }
  try {
    const run = await load();
    return await run(rest);
  } catch (error) {
    if (isPortcullisError(error) && error.code !== 'INTERNAL') {
      process.stderr.write(`portcullis ${command}: ${error.message}\n`);
      return EXIT_USAGE_OR_INPUT;
    }
    const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
    process.stderr.write(`portcullis ${command}: internal error (please report it): ${detail}\n`);
    return EXIT_INTERNAL;
  }
}
