/**
 * What every `portcullis lint KIND` command shares: custom rules (`--rules`), their unit tests
 * (`--test`), the report formats, `--fail-on` and `--output`. Each kind's command parses its own
 * options and supplies the lint run; this module does the rest, so the kinds behave alike.
 */
import { readFile } from 'node:fs/promises';
import { PortcullisError } from '../../core/index.ts';
import { formatRuleTestResults, loadCustomRules, loadRuleTests, runRuleTests, type CustomRule } from '../../lint/custom/index.ts';
import type { LintReport } from '../../lint/model.ts';
import { formatLintJson, formatLintJunit, formatLintSarif, formatLintTable, lintExitCode } from '../../lint/report/index.ts';
import type { Severity } from '../../vuln/model.ts';
import { choice, loggerFor, usageError } from '../args.ts';
import { writeReport } from '../output.ts';
import { PORTCULLIS_VERSION } from '../version.ts';

const FORMATS = ['table', 'json', 'sarif', 'junit'] as const;
const FAIL_ON = ['low', 'medium', 'high', 'critical'] as const;

/** Options every lint kind accepts, beside the global ones. */
export const LINT_COMMON_OPTIONS = {
  'fail-on': { type: 'string' },
  rules: { type: 'string' },
  test: { type: 'string' },
} as const;

/** Help lines for the report options, the first of each command's option list. */
export const LINT_REPORT_OPTIONS_HELP = `  -f, --format FORMAT            table (default), json, sarif (SARIF 2.1.0), junit
      --fail-on SEVERITY         exit 1 when an unsuppressed finding is at or above low, medium,
                                 high or critical`;

/** Help lines for the custom rule options, the last of each command's option list. */
export const LINT_RULES_OPTIONS_HELP = `      --rules FILE               custom rules in CEL (docs/formats/custom-rules.md)
      --test TESTS               run the rule unit tests in TESTS against --rules and report them`;

/** The parsed values of the global and common options. */
export interface LintCommandValues {
  format?: string | undefined;
  output?: string | undefined;
  quiet?: boolean | undefined;
  debug?: boolean | undefined;
  'fail-on'?: string | undefined;
  rules?: string | undefined;
  test?: string | undefined;
}

export interface LintCommandSpec {
  kind: LintReport['kind'];
  /** The usage error when no input is given, naming what the inputs are. */
  missingInputs: string;
  /** Reads the inputs and lints them; kind-specific options are the caller's. */
  lint(inputs: string[], customRules: readonly CustomRule[]): Promise<LintReport>;
}

/**
 * Runs one lint command after option parsing: loads `--rules` (a broken rule is an INPUT error,
 * exit 2), runs `--test` instead of linting when given, else lints, writes the report in the chosen
 * format and returns the exit code (1 at or above `--fail-on`).
 */
export async function runLintCommand(spec: LintCommandSpec, values: LintCommandValues, inputs: string[]): Promise<number> {
  const rules = values.rules === undefined ? [] : loadCustomRules(values.rules, await readText(values.rules));
  if (values.test !== undefined) {
    if (values.rules === undefined) throw usageError('--test needs --rules FILE (the rules under test)');
    if (inputs.length > 0) throw usageError('--test takes no input arguments: inputs come from the tests file');
    const cases = await loadRuleTests(values.test, await readText(values.test));
    const results = runRuleTests(rules, cases, spec.kind);
    await writeReport(formatRuleTestResults(results), values.output);
    return results.every((result) => result.passed) ? 0 : 1;
  }

  if (inputs.length === 0) throw usageError(spec.missingInputs);
  const format = choice('format', values.format, FORMATS, 'table');
  const failOnWord = values['fail-on'] === undefined ? undefined : choice('fail-on', values['fail-on'].toLowerCase(), FAIL_ON, 'critical');
  const failOn = failOnWord === undefined ? undefined : (failOnWord.toUpperCase() as Severity);
  const report = await spec.lint(inputs, rules);

  // A table on stdout lists the warnings itself; otherwise people watching the terminal learn of
  // them on stderr.
  if (format !== 'table' || values.output !== undefined) {
    const logger = loggerFor(values);
    for (const warning of report.warnings) logger.warn(`${warning.file}: ${warning.message}`);
  }
  const text =
    format === 'json'
      ? formatLintJson(report)
      : format === 'sarif'
        ? formatLintSarif(report, { toolVersion: PORTCULLIS_VERSION })
        : format === 'junit'
          ? formatLintJunit(report, failOn === undefined ? {} : { failOn })
          : formatLintTable(report, { color: !values.output && process.stdout.isTTY === true, width: process.stdout.columns ?? 120 });
  await writeReport(text, values.output);
  return lintExitCode(report, failOn);
}

async function readText(file: string): Promise<string> {
  return readFile(file, 'utf8').catch((error: unknown) => {
    throw new PortcullisError('NOT_FOUND', `${file}: cannot read: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  });
}
