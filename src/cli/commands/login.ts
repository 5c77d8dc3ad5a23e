/**
 * `portcullis login HOST -u USER -p PASS` (or `--password-stdin`): checks the credentials against
 * the registry, then stores them in the standard auth file every command reads (REGISTRY_AUTH_FILE,
 * else ~/.docker/config.json), merged with the entries already there, mode 0600.
 */
import { PortcullisError } from '../../core/index.ts';
import { checkLogin, writeCredentials } from '../../registry-client/index.ts';
import { GLOBAL_OPTIONS, loggerFor, parseCommandLine, usageError } from '../args.ts';
import { REGISTRY_OPTIONS, REGISTRY_OPTIONS_HELP } from './signing-shared.ts';

export const LOGIN_HELP = `Usage: portcullis login HOST -u USER (-p PASS | --password-stdin)

Logs in to a registry: the credentials are checked against HOST, then saved to $REGISTRY_AUTH_FILE
(or ~/.docker/config.json, or --authfile FILE), keeping every other entry, with mode 0600.

Options:
  -u, --username USER      user name
  -p, --password PASS      password (visible in the process list: prefer --password-stdin)
      --password-stdin     read the password from standard input

${REGISTRY_OPTIONS_HELP}`;

const MAX_PASSWORD_BYTES = 64 * 1024;

export async function loginCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandLine(args, {
    ...GLOBAL_OPTIONS,
    ...REGISTRY_OPTIONS,
    username: { type: 'string', short: 'u' },
    password: { type: 'string', short: 'p' },
    'password-stdin': { type: 'boolean' },
  });
  if (values.help) {
    process.stdout.write(`${LOGIN_HELP}\n`);
    return 0;
  }
  const host = positionals[0];
  if (positionals.length !== 1 || host === undefined) throw usageError('login takes exactly one HOST');
  if (!values.username) throw usageError('login needs -u USER');
  if (values.password !== undefined && values['password-stdin'] === true) throw usageError('give -p or --password-stdin, not both');
  const password = values['password-stdin'] === true ? await readPassword() : values.password;
  if (password === undefined || password === '') throw usageError('login needs -p PASS or --password-stdin');
  const credentials = { username: values.username, password };
  const insecure = values['allow-http-registry'] === true || values['allow-insecure-registry'] === true;
  await checkLogin(host, credentials, { insecure, logger: loggerFor(values) });
  const path = await writeCredentials(host, credentials, values.authfile === undefined ? {} : { authFile: values.authfile });
  process.stdout.write(`Login succeeded: credentials for ${host} saved in ${path}\n`);
  return 0;
}

async function readPassword(): Promise<string> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of process.stdin as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > MAX_PASSWORD_BYTES) throw new PortcullisError('LIMIT', 'password on standard input is too long');
    chunks.push(chunk);
  }
  // Like docker and cosign: one trailing newline (from echo) is not part of the password.
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}
