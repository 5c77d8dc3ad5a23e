/**
 * Talks to a PKCS#11 token through OpenSC's `pkcs11-tool` (Debian package opensc), run as a child
 * process. Chosen over an in-process binding such as pkcs11js because that addon is compiled with
 * node-gyp at install time (no prebuilt binaries), which needs a C++ toolchain and matching Node
 * headers on every machine; pkcs11-tool is a packaged, maintained binary whose only cost is a
 * process start (tens of milliseconds) per operation. The PIN reaches it through an environment
 * variable (`--pin env:NAME`), never the command line, where `ps` would show it.
 *
 * pkcs11-tool's `--sign` selects the private key by `--id` only and silently takes the first key
 * when no id matches a label, so callers resolve a label to its unique CKA_ID first (findObjects).
 */
import { execFile } from 'node:child_process';
import { PortcullisError } from '../../core/index.ts';
import type { Pkcs11ObjectType } from './pkcs11-uri.ts';

/** Which module and token an operation runs against, and the PIN when it must log in. */
export interface TokenTarget {
  modulePath: string;
  token?: string;
  slotId?: number;
  /** Human-readable name of the token for messages (never includes the PIN). */
  description: string;
}

/** One object as `pkcs11-tool --list-objects` shows it. */
export interface TokenObject {
  type: Pkcs11ObjectType;
  label?: string;
  id?: Buffer;
  /** e.g. "EC", "RSA" */
  keyType?: string;
  usage: string[];
  access: string[];
}

const PIN_VARIABLE = 'PORTCULLIS_PKCS11_TOOL_PIN';
const TIMEOUT_MS = 60_000;
const MAX_OUTPUT_BYTES = 4 * 1024 * 1024;

export function pkcs11ToolPath(): string {
  return process.env.PORTCULLIS_PKCS11_TOOL || 'pkcs11-tool';
}

function tokenArguments(target: TokenTarget): string[] {
  const args = ['--module', target.modulePath];
  if (target.token !== undefined) args.push('--token-label', target.token);
  if (target.slotId !== undefined) args.push('--slot', String(target.slotId));
  return args;
}

/** Turns pkcs11-tool's messages into errors that say what to fix. */
function toolError(target: TokenTarget, stderr: string, what: string): PortcullisError {
  if (/CKR_PIN_INCORRECT/.test(stderr)) return new PortcullisError('AUTH', `wrong PIN for ${target.description}`);
  if (/CKR_PIN_LOCKED/.test(stderr)) return new PortcullisError('AUTH', `the PIN of ${target.description} is locked`);
  if (/CKR_PIN_LEN_RANGE|CKR_PIN_INVALID/.test(stderr)) return new PortcullisError('AUTH', `the PIN for ${target.description} is not a valid PIN`);
  if (/Failed to load pkcs11 module|sc_dlopen failed/.test(stderr)) {
    return new PortcullisError('NOT_FOUND', `cannot load the PKCS#11 module ${target.modulePath}`);
  }
  if (/No slot with token|No slot with id|No slot with a token|slot not found/i.test(stderr)) {
    return new PortcullisError('NOT_FOUND', `no such token: ${target.description}`);
  }
  if (/object not found|key not found/i.test(stderr)) return new PortcullisError('NOT_FOUND', `${what}: no such object in ${target.description}`);
  const detail = stderr.split('\n').map((line) => line.trim()).filter((line) => line && line !== 'Aborting.').pop() ?? 'no message';
  return new PortcullisError('INPUT', `${what} failed in ${target.description}: ${detail}`);
}

/**
 * Runs pkcs11-tool against the target token. With `pin`, it logs in first. Resolves to stdout;
 * rejects with a PortcullisError naming the cause (module, token, PIN, object).
 */
export function runPkcs11Tool(
  target: TokenTarget,
  args: readonly string[],
  options: { what: string; pin?: string; input?: Buffer },
): Promise<Buffer> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env[PIN_VARIABLE];
  const login: string[] = [];
  if (options.pin !== undefined) {
    env[PIN_VARIABLE] = options.pin;
    login.push('--login', '--pin', `env:${PIN_VARIABLE}`);
  }
  const tool = pkcs11ToolPath();
  return new Promise((resolve, reject) => {
    const child = execFile(
      tool,
      [...tokenArguments(target), ...login, ...args],
      { env, encoding: 'buffer', timeout: TIMEOUT_MS, maxBuffer: MAX_OUTPUT_BYTES },
      (error, stdout, stderr) => {
        if (!error) return resolve(stdout);
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
          return reject(new PortcullisError('UNSUPPORTED', `${tool} not found: PKCS#11 keys need OpenSC's pkcs11-tool (Debian package opensc), or PORTCULLIS_PKCS11_TOOL`));
        }
        if (error.killed) return reject(new PortcullisError('LIMIT', `${options.what}: ${tool} did not finish within ${TIMEOUT_MS / 1000}s`));
        reject(toolError(target, stderr.toString('utf8'), options.what));
      },
    );
    // A tool that exits without reading its input (a listing, or an early error) closes the pipe;
    // the EPIPE that follows says nothing the exit status does not, so it must not crash us.
    child.stdin?.on('error', () => {});
    child.stdin?.end(options.input ?? Buffer.alloc(0));
  });
}

const OBJECT_HEADER = /^(Private Key|Public Key|Certificate|Secret Key|Data) [Oo]bject\b;?\s*(\S+)?/;
const HEADER_TYPES: Record<string, Pkcs11ObjectType> = {
  'Private Key': 'private',
  'Public Key': 'public',
  Certificate: 'cert',
  'Secret Key': 'secret-key',
  Data: 'data',
};
const ATTRIBUTE_LINE = /^\s+(label|ID|Usage|Access):\s*(.*)$/;

/** Parses the text of `pkcs11-tool --list-objects`; lines it does not know are skipped. */
export function parseObjectListing(text: string): TokenObject[] {
  const objects: TokenObject[] = [];
  let current: TokenObject | undefined;
  for (const line of text.split('\n')) {
    const header = OBJECT_HEADER.exec(line);
    if (header) {
      current = { type: HEADER_TYPES[header[1]!]!, usage: [], access: [] };
      const keyType = header[2]?.replace(/;$/, '');
      if (keyType && current.type !== 'cert' && current.type !== 'data') current.keyType = keyType;
      objects.push(current);
      continue;
    }
    const attribute = current && ATTRIBUTE_LINE.exec(line);
    if (!current || !attribute) continue;
    const value = attribute[2]!;
    switch (attribute[1]) {
      case 'label':
        current.label = value;
        break;
      case 'ID':
        if (/^([0-9a-f]{2})+$/i.test(value)) current.id = Buffer.from(value, 'hex');
        break;
      case 'Usage':
        current.usage = value.split(',').map((item) => item.trim()).filter(Boolean);
        break;
      case 'Access':
        current.access = value.split(',').map((item) => item.trim()).filter(Boolean);
        break;
    }
  }
  return objects;
}

/** Lists the token's objects; with a PIN, private objects too. */
export async function listTokenObjects(target: TokenTarget, pin: string | undefined): Promise<TokenObject[]> {
  const stdout = await runPkcs11Tool(target, ['--list-objects'], { what: 'listing objects', ...(pin === undefined ? {} : { pin }) });
  return parseObjectListing(stdout.toString('utf8'));
}
