/**
 * The auto-signing part of `portcullis serve`: which keys the server offers for signing, the
 * default rule for projects without their own, where PINs and passphrases are read from, and the
 * name signed payloads give the registry. Opens the auto-sign store and starts the AutoSigner;
 * its rule failures go out as `signing.rule.failed` webhooks through the scanner.
 */
import { appendAudit, type AuditEvent, type AuthService } from '../../auth/index.ts';
import type { Logger } from '../../core/index.ts';
import type { RegistryService } from '../../registry/index.ts';
import type { RegistryScanner } from '../../registry-scan/index.ts';
import { AutoSigner, AutoSignStore, parseAutoSignRule, type DefaultRule } from '../../registry-sign/index.ts';
import { autoSignApi } from '../../server/api/auto-sign.ts';
import type { ServerExtension } from '../../server/index.ts';
import { usageError } from '../args.ts';
import { PORTCULLIS_VERSION } from '../version.ts';

export const SIGNING_OPTIONS = {
  'auto-sign-key': { type: 'string', multiple: true },
  'auto-sign-rule': { type: 'string' },
  'auto-sign-pin-file': { type: 'string' },
  'auto-sign-passphrase-file': { type: 'string' },
  'auto-sign-name': { type: 'string' },
} as const;

export const SIGNING_HELP = `Auto-signing (docs/auto-sign.md): images whose scan meets their project's rule are signed
with the project's key; rules are set with PUT /api/v1/projects/{project}/auto-sign.
      --auto-sign-key REF         a key rules may name: a pkcs11: URI (no pin-value) or a key file
                                  path; repeatable. Without one, auto-signing is off
      --auto-sign-rule RULE       default rule for projects without their own, e.g. "no CRITICAL, no
                                  HIGH with fix"; signs with the first --auto-sign-key
      --auto-sign-pin-file FILE   the token PIN (else $PORTCULLIS_PKCS11_PIN)
      --auto-sign-passphrase-file FILE
                                  the key file's passphrase (else $PORTCULLIS_PASSWORD)
      --auto-sign-name HOST[:PORT]
                                  registry name in signed payloads, as clients pull from it
                                  (default: --service, else the --listen address)`;

export interface SigningValues {
  'auto-sign-key'?: string[] | undefined;
  'auto-sign-rule'?: string | undefined;
  'auto-sign-pin-file'?: string | undefined;
  'auto-sign-passphrase-file'?: string | undefined;
  'auto-sign-name'?: string | undefined;
  service?: string | undefined;
}

export interface SigningContext {
  registry: RegistryService;
  scanner: RegistryScanner;
  dataDir: string;
  listen: { host: string; port: number };
  access: { auth: AuthService } | object;
  logger: Logger;
}

export interface SigningSetup {
  /** Undefined when no key is offered (auto-signing off). */
  signer: AutoSigner | undefined;
  extensions: ServerExtension[];
  close(): Promise<void>;
}

/** The default rule from the command line, checked as an API body would be. */
function defaultRule(values: SigningValues, keys: readonly string[]): DefaultRule | undefined {
  const text = values['auto-sign-rule'];
  if (text === undefined) return undefined;
  if (keys[0] === undefined) throw usageError('--auto-sign-rule needs an --auto-sign-key to sign with');
  try {
    const { project: _project, ...rule } = parseAutoSignRule('default', { keyRef: keys[0], rule: text });
    return rule;
  } catch (error) {
    throw usageError(`--auto-sign-rule / --auto-sign-key: ${(error as Error).message}`);
  }
}

/** An offered key must be one a rule could name (no PIN in the URI, an absolute path). */
function checkOfferedKey(keyRef: string): void {
  try {
    parseAutoSignRule('default', { keyRef, rule: 'no CRITICAL' });
  } catch (error) {
    throw usageError(`--auto-sign-key: ${(error as Error).message.replace('invalid auto-sign rule: ', '')}`);
  }
}

function listenName(listen: { host: string; port: number }): string {
  return listen.host.includes(':') ? `[${listen.host}]:${listen.port}` : `${listen.host}:${listen.port}`;
}

export function openSigning(values: SigningValues, context: SigningContext): SigningSetup {
  const keys = values['auto-sign-key'] ?? [];
  const fallback = defaultRule(values, keys);
  if (keys.length === 0) return { signer: undefined, extensions: [], close: async () => {} };
  for (const key of keys) checkOfferedKey(key);
  const auth = 'auth' in context.access ? context.access.auth : undefined;
  const audit = auth === undefined ? undefined : (event: AuditEvent) => void appendAudit(auth.store, event);
  const store = AutoSignStore.open(context.dataDir);
  const pinFile = values['auto-sign-pin-file'];
  const passphraseFile = values['auto-sign-passphrase-file'];
  const signer = new AutoSigner({
    registry: context.registry,
    scanner: context.scanner,
    store,
    registryName: values['auto-sign-name'] ?? values.service ?? listenName(context.listen),
    ...(fallback !== undefined && { defaultRule: fallback }),
    secrets: { ...(pinFile !== undefined && { pinFile }), ...(passphraseFile !== undefined && { passphraseFile }) },
    ...(audit !== undefined && { audit }),
    toolVersion: PORTCULLIS_VERSION,
    logger: context.logger,
  });
  // A signed image that now breaks its rule is announced like the scanner's own events.
  signer.events.on('ruleFailed', ({ project, repository, digest, keyFingerprint, rule, violations }) =>
    context.scanner.notify({ type: 'signing.rule.failed', data: { project, repository, digest, keyFingerprint, rule, violations } }),
  );
  signer.start();
  return {
    signer,
    extensions: [autoSignApi({ signer, store, offeredKeys: keys, ...(audit !== undefined && { audit }) })],
    close: async () => {
      await signer.close();
      store.close();
    },
  };
}
