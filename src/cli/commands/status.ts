/**
 * `portcullis status --server URL`: what runs in the cluster and whether it still passes the
 * admission policy, from a `portcullis serve --admission` server's continuous validation
 * (GET /api/v1/deployments). Exit 0 when nothing running violates the policy, 1 when something
 * does (for CI and cron), 2 on usage or a bad answer, 3 on an internal error.
 */
import { PortcullisError } from '../../core/index.ts';
import { formatStatusTable, parseStatusReport } from '../../continuous/index.ts';
import { choice, parseCommandLine, usageError } from '../args.ts';
import { writeReport } from '../output.ts';
import { serverOf } from './server-option.ts';

export const STATUS_HELP = `Usage: portcullis status --server URL [options]

Shows the images running in the cluster (as admission recorded them and, with serve --kube-watch,
as the cluster runs them) and the decision the admission policy gives each now: compliant,
violating (with every reason) or unevaluated. Exit 1 when any running image violates the policy.

Options:
      --server URL        the portcullis serve (with --admission) to ask; credentials from
                          PORTCULLIS_SERVER_TOKEN, or PORTCULLIS_SERVER_USER and
                          PORTCULLIS_SERVER_PASSWORD
  -f, --format FORMAT     table (default) or json
      --violations        list only violating images (the summary still counts all)
      --timeout MS        how long to wait for the server (default 10000)
  -o, --output FILE       write the report to FILE instead of stdout
  -h, --help              this help`;

const OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  server: { type: 'string' },
  format: { type: 'string', short: 'f' },
  violations: { type: 'boolean' },
  timeout: { type: 'string' },
  output: { type: 'string', short: 'o' },
} as const;

/** Answers larger than this are refused rather than read (a wrong URL may stream anything). */
const MAX_ANSWER_BYTES = 64 * 1024 * 1024;

export async function statusCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandLine(args, OPTIONS);
  if (values.help === true) {
    process.stdout.write(`${STATUS_HELP}\n`);
    return 0;
  }
  if (positionals.length > 0) throw usageError(`status takes no arguments, got ${positionals.join(' ')}`);
  if (values.server === undefined) throw usageError('status needs --server URL (a portcullis serve running with --admission)');
  const format = choice('format', values.format, ['table', 'json'] as const, 'table');
  const timeout = values.timeout ?? '10000';
  if (!/^\d{1,7}$/.test(timeout)) throw usageError(`--timeout takes milliseconds, got ${JSON.stringify(timeout)}`);
  const server = serverOf(values.server);
  const report = parseStatusReport(await fetchDeployments(server, Number(timeout)));
  const shown = values.violations === true ? { ...report, deployments: report.deployments.filter((image) => image.status === 'violating') } : report;
  await writeReport(format === 'json' ? JSON.stringify(shown, null, 2) : formatStatusTable(shown), values.output);
  return report.summary.violating > 0 ? 1 : 0;
}

async function fetchDeployments(server: { url: string; authorization?: string }, timeoutMs: number): Promise<unknown> {
  const url = new URL('api/v1/deployments', server.url.endsWith('/') ? server.url : `${server.url}/`);
  let response: Response;
  try {
    response = await fetch(url, {
      headers: { accept: 'application/json', ...(server.authorization !== undefined && { authorization: server.authorization }) },
      redirect: 'error',
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    throw new PortcullisError('NETWORK', `${url.origin}: ${(error as Error).message}${(error as Error).cause instanceof Error ? ` (${((error as Error).cause as Error).message})` : ''}`, { cause: error });
  }
  const text = await readBounded(response);
  if (response.status === 401 || response.status === 403) throw new PortcullisError('AUTH', `${url.href} answered ${response.status}: set PORTCULLIS_SERVER_TOKEN or PORTCULLIS_SERVER_USER/PASSWORD`);
  if (response.status === 404) throw new PortcullisError('NOT_FOUND', `${url.href} answered 404: is the server a portcullis serve with --admission?`);
  if (!response.ok) throw new PortcullisError('NETWORK', `${url.href} answered ${response.status}: ${text.slice(0, 300)}`);
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new PortcullisError('INPUT', `${url.href} did not answer JSON: ${(error as Error).message}`, { cause: error });
  }
}

async function readBounded(response: Response): Promise<string> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of response.body ?? []) {
    size += chunk.byteLength;
    if (size > MAX_ANSWER_BYTES) {
      await response.body?.cancel();
      throw new PortcullisError('LIMIT', `the server's answer is larger than ${MAX_ANSWER_BYTES} bytes`);
    }
    chunks.push(chunk);
  }
  return new TextDecoder('utf-8', { fatal: false }).decode(Buffer.concat(chunks));
}
