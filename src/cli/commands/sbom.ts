/**
 * `portcullis sbom TARGET`: the inventory of an image or directory as CycloneDX 1.6, SPDX 2.3,
 * Portcullis JSON or a table.
 */
import { formatCycloneDx, formatInventoryJson, formatSpdx, formatTable } from '../../sbom/index.ts';
import { inventory } from '../../scan/inventory.ts';
import { PREDICATE_TYPES } from '../../signing/index.ts';
import {
  GLOBAL_OPTIONS,
  GLOBAL_OPTIONS_HELP,
  IMAGE_OPTIONS,
  IMAGE_OPTIONS_HELP,
  choice,
  loggerFor,
  parseCommandLine,
  singlePositional,
  readImageOptions,
  usageError,
} from '../args.ts';
import { writeReport } from '../output.ts';
import { ATTEST_OPTIONS, ATTEST_OPTIONS_HELP, attachPredicate, attestRequest, attestationNote } from './attest-shared.ts';
import { createProgressBar } from '../progress.ts';
import { PORTCULLIS_VERSION } from '../version.ts';

const FORMATS = ['table', 'json', 'cyclonedx', 'spdx'] as const;

export const SBOM_HELP = `Usage: portcullis sbom TARGET [options]

Lists everything installed in an image or directory: OS packages (dpkg, apk, rpm) and language
packages (npm, PyPI, Go, Maven, RubyGems, Cargo, Composer, NuGet), each with the layer that added it.

TARGET is an image or a directory:
  oci:DIR[:TAG]            OCI image layout          oci-archive:FILE[:TAG]  OCI layout in a tar
  docker-archive:FILE      'docker save' output      dir:DIR                 unpacked root filesystem
  docker://REF             remote registry           a plain path or reference is detected

Options:
  -f, --format FORMAT   table (default), json, cyclonedx (CycloneDX 1.6 JSON), spdx (SPDX 2.3 JSON)

With --attest (and --format cyclonedx or spdx) the SBOM is also signed as an in-toto attestation
(predicate type cyclonedx or spdx, as cosign names them) and attached to the image's digest.

${ATTEST_OPTIONS_HELP}

${IMAGE_OPTIONS_HELP}

${GLOBAL_OPTIONS_HELP}`;

export async function sbomCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandLine(args, { ...GLOBAL_OPTIONS, ...IMAGE_OPTIONS, ...ATTEST_OPTIONS });
  if (values.help) {
    process.stdout.write(`${SBOM_HELP}\n`);
    return 0;
  }
  const target = singlePositional(positionals, 'sbom', 'TARGET');
  const format = choice('format', values.format, FORMATS, 'table');
  if (values.attest && format !== 'cyclonedx' && format !== 'spdx') throw usageError('sbom --attest needs --format cyclonedx or --format spdx (the attested SBOM)');
  const attest = await attestRequest('sbom', target, values);
  const logger = loggerFor(values);
  const imageOptions = readImageOptions(values);
  const result = await inventory(target, {
    ...imageOptions,
    logger,
    onProgress: createProgressBar(process.stderr, !values.quiet && !values.debug),
  });
  const options = { toolVersion: PORTCULLIS_VERSION };
  const text =
    format === 'cyclonedx'
      ? formatCycloneDx(result, options)
      : format === 'spdx'
        ? formatSpdx(result, options)
        : format === 'json'
          ? formatInventoryJson(result)
          : formatTable(result, { color: !values.output && process.stdout.isTTY === true, width: process.stdout.columns ?? 120 });
  if (attest !== undefined && (format === 'cyclonedx' || format === 'spdx')) {
    const predicateType = PREDICATE_TYPES[format]!;
    const attested = await attachPredicate(attest.reference, result.image?.manifestDigest, attest.signer, predicateType, JSON.parse(text) as unknown, { ...imageOptions, logger });
    if (!values.quiet) process.stderr.write(attestationNote(attested, predicateType));
  }
  await writeReport(text, values.output);
  return 0;
}
