/**
 * The one logger. Writes to stderr so stdout stays clean for reports. Levels: error, warn, info,
 * debug. Never pass secrets (passwords, tokens, private keys) to it: callers redact first.
 */
export type LogLevel = 'error' | 'warn' | 'info' | 'debug';

const ORDER: Record<LogLevel, number> = { error: 0, warn: 1, info: 2, debug: 3 };

export interface Logger {
  error(message: string): void;
  warn(message: string): void;
  info(message: string): void;
  debug(message: string): void;
}

export function createLogger(level: LogLevel, write: (line: string) => void = (line) => process.stderr.write(line)): Logger {
  const at = (wanted: LogLevel) => (message: string) => {
    if (ORDER[wanted] <= ORDER[level]) write(`${wanted.toUpperCase()}\t${message}\n`);
  };
  return { error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug') };
}

/** A logger that drops everything: the default for library calls. */
export const silentLogger: Logger = createLogger('error', () => {});
