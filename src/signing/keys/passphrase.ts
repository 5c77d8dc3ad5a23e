/**
 * Where a key passphrase comes from, in cosign's order of precedence: a file given on the command
 * line, then PORTCULLIS_PASSWORD, then COSIGN_PASSWORD (so cosign users' scripts keep working), then
 * a prompt on the terminal with echo off. An empty passphrase is allowed, as cosign allows it. The
 * passphrase is never logged or put in an error message.
 */
import { readFile } from 'node:fs/promises';
import { PortcullisError } from '../../core/index.ts';

export interface PassphraseOptions {
  /** --passphrase-file */
  file?: string;
  /** Ask twice and require both answers to match (when creating a key). */
  confirm?: boolean;
  /** What the prompt says, e.g. "Enter password for private key: ". */
  prompt?: string;
  env?: NodeJS.ProcessEnv;
}

/** A passphrase source that asks once, whenever the key first needs it, and remembers the answer. */
export function passphraseSource(options: PassphraseOptions = {}): () => Promise<string> {
  let answer: Promise<string> | undefined;
  return () => (answer ??= resolvePassphrase(options));
}

async function resolvePassphrase(options: PassphraseOptions): Promise<string> {
  if (options.file !== undefined) {
    try {
      return (await readFile(options.file, 'utf8')).replace(/\r?\n$/, '');
    } catch (error) {
      throw new PortcullisError('NOT_FOUND', `cannot read the passphrase file ${options.file}`, { cause: error });
    }
  }
  const env = options.env ?? process.env;
  const fromEnvironment = env.PORTCULLIS_PASSWORD ?? env.COSIGN_PASSWORD;
  if (fromEnvironment !== undefined) return fromEnvironment;
  const prompt = options.prompt ?? 'Enter password for private key: ';
  const first = await promptHidden(prompt);
  if (options.confirm && (await promptHidden('Enter password for private key again: ')) !== first) {
    throw new PortcullisError('USAGE', 'the passwords do not match');
  }
  return first;
}

/** Reads one line from the terminal without echoing it. Refuses when stdin is not a terminal. */
export function promptHidden(question: string, input: NodeJS.ReadStream = process.stdin, output: NodeJS.WriteStream = process.stderr): Promise<string> {
  if (!input.isTTY) {
    return Promise.reject(new PortcullisError('USAGE', 'a passphrase is needed: use --passphrase-file, PORTCULLIS_PASSWORD or COSIGN_PASSWORD, or run on a terminal'));
  }
  // Echo goes off before the question shows: whatever is typed after the prompt appears is hidden.
  input.setRawMode(true);
  output.write(question);
  input.resume();
  return new Promise((resolve, reject) => {
    let typed = '';
    const finish = () => {
      input.off('data', onData);
      input.setRawMode(false);
      input.pause();
      output.write('\n');
    };
    const onData = (chunk: Buffer) => {
      for (const char of chunk.toString('utf8')) {
        if (char === '\r' || char === '\n' || char === '\u0004') {
          finish();
          resolve(typed);
          return;
        }
        if (char === '\u0003') {
          finish();
          reject(new PortcullisError('USAGE', 'cancelled'));
          return;
        }
        if (char === '\u007f' || char === '\b') typed = [...typed].slice(0, -1).join('');
        else typed += char;
      }
    };
    input.on('data', onData);
  });
}
