/**
 * `portcullis secrets TARGET`: secrets (and with --pii, personal data) in every layer of an image,
 * in its config, or in a directory, as a table, JSON or SARIF. Exit code 1 when findings at or
 * above --fail-on exist.
 */
import {
  type SecretSeverity,
  SEVERITY_ORDER,
  findingsAtOrAbove,
  formatSecretsJson,
  formatSecretsSarif,
  formatSecretsTable,
  loadAllowList,
  scanSecrets,
} from '../../secrets/index.ts';
import {
  GLOBAL_OPTIONS,
  GLOBAL_OPTIONS_HELP,
  IMAGE_OPTIONS,
  IMAGE_OPTIONS_HELP,
  choice,
  loggerFor,
  parseCommandLine,
  singlePositional,
  parseSize,
  readImageOptions,
} from '../args.ts';
import { writeReport } from '../output.ts';
import { createProgressBar } from '../progress.ts';
import { PORTCULLIS_VERSION } from '../version.ts';

const FORMATS = ['table', 'json', 'sarif'] as const;
const FAIL_ON = ['low', 'medium', 'high', 'critical'] as const;

const SECRETS_OPTIONS = {
  pii: { type: 'boolean' },
  allowlist: { type: 'string' },
  'fail-on': { type: 'string' },
  'max-secret-file-bytes': { type: 'string' },
} as const;

export const SECRETS_HELP = `Usage: portcullis secrets TARGET [options]

Finds credentials (cloud keys, tokens, private keys, passwords in URLs and config files) in every
layer of an image, including files a later layer deleted or replaced, in the image config (ENV,
labels, build arguments in history), or in a directory. Secrets are always shown redacted.

TARGET is an image or a directory:
  oci:DIR[:TAG]            OCI image layout          oci-archive:FILE[:TAG]  OCI layout in a tar
  docker-archive:FILE      'docker save' output      dir:DIR                 directory or source tree
  docker://REF             remote registry           a plain path or reference is detected

Options:
  -f, --format FORMAT          table (default), json, sarif (SARIF 2.1.0)
      --pii                    also report personal data: e-mail addresses, payment cards, IBANs,
                               US social security numbers, phone numbers
      --allowlist FILE         YAML allow-list: rules (ids), paths (globs), values (regexes)
      --fail-on SEVERITY       exit 1 when a finding is at or above low, medium, high or critical
      --max-secret-file-bytes N  skip files larger than N (default 10M)

${IMAGE_OPTIONS_HELP}

${GLOBAL_OPTIONS_HELP}`;

export async function secretsCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandLine(args, { ...GLOBAL_OPTIONS, ...IMAGE_OPTIONS, ...SECRETS_OPTIONS });
  if (values.help) {
    process.stdout.write(`${SECRETS_HELP}\n`);
    return 0;
  }
  const target = singlePositional(positionals, 'secrets', 'TARGET');
  const format = choice('format', values.format, FORMATS, 'table');
  const failOn = values['fail-on'] === undefined ? undefined : choice('fail-on', values['fail-on'].toLowerCase(), FAIL_ON, 'critical');
  const maxFileBytes = parseSize('max-secret-file-bytes', values['max-secret-file-bytes']);
  const logger = loggerFor(values);
  const result = await scanSecrets(target, {
    ...readImageOptions(values),
    pii: values.pii === true,
    ...(values.allowlist !== undefined && { allowList: await loadAllowList(values.allowlist) }),
    ...(maxFileBytes !== undefined && { maxFileBytes }),
    logger,
    onProgress: createProgressBar(process.stderr, !values.quiet && !values.debug),
  });
  const text =
    format === 'json'
      ? formatSecretsJson(result)
      : format === 'sarif'
        ? formatSecretsSarif(result, { toolVersion: PORTCULLIS_VERSION })
        : formatSecretsTable(result, { color: !values.output && process.stdout.isTTY === true });
  await writeReport(text, values.output);
  if (failOn === undefined) return 0;
  const threshold = SEVERITY_ORDER.find((severity) => severity.toLowerCase() === failOn) as SecretSeverity;
  return findingsAtOrAbove(result.findings, threshold).length > 0 ? 1 : 0;
}
