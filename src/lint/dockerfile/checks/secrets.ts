/**
 * Secrets written into the Dockerfile: ENV, ARG and LABEL values whose names say they are secret,
 * and any instruction text the secret scanner's token rules recognise (cloud keys, tokens, private
 * keys). Both end up in the image config or history, readable by anyone who can pull the image.
 * Secrets are shown redacted, as everywhere in Portcullis.
 */
// The secret scanner's engine is used directly: its public surface scans images, not texts.
import { type CompiledRules, compileRules, scanText } from '../../../secrets/index.ts';
import { EMPTY_ALLOW_LIST, redact, selectRules } from '../../../secrets/index.ts';
import type { Instruction } from '../model.ts';
import type { DockerfileCheck, Hit } from './check.ts';

const SECRET_NAME = /(PASSWORD|PASSWD|PASSPHRASE|SECRET|TOKEN|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|AUTH_?KEY|CREDENTIALS?|CLIENT_?SECRET)/i;
/** Names that hold where a secret is, or a setting about secrets, not the secret itself. */
const NOT_A_SECRET = /(_FILE|_PATH|_DIR|_URL|_URI|_HOST|_PORT|_NAME|_USER|_ENABLED|_LENGTH|_TTL|_EXPIRY|_TIMEOUT|_HEADER|_TYPE)$/i;
/** Values that are not secrets: empty, references to other variables, switches. */
const NOT_A_VALUE = /^(\$\{?[A-Za-z_][A-Za-z0-9_]*\}?|true|false|yes|no|none|null|0|1)?$/i;
/** Time one instruction's text may take in the token rules (a hostile line cannot stall the lint). */
const TIME_BUDGET_MS = 500;

let compiled: CompiledRules | undefined;

function tokenRules(): CompiledRules {
  compiled ??= compileRules(selectRules());
  return compiled;
}

const PROPERTY_KEYWORDS = new Set(['ENV', 'ARG', 'LABEL']);

function tokens(text: string, instruction: Instruction, warn: (message: string) => void): Hit[] {
  const matches = scanText(text, undefined, tokenRules(), {
    allow: EMPTY_ALLOW_LIST,
    timeBudgetMs: TIME_BUDGET_MS,
    warn: (message) => warn(`line ${instruction.line}: ${message}`),
    onSuppressed: () => undefined,
  });
  return matches.map((match) => ({ instruction, message: `${instruction.keyword} contains a secret: ${match.rule.title} (${match.redacted})` }));
}

/** ENV, ARG, LABEL: each variable on its own; a recognised token is the more precise finding, the name rule covers the rest. */
function propertySecrets(instruction: Instruction, warn: (message: string) => void): Hit[] {
  return instruction.properties.flatMap(({ name, value }) => {
    if (value === undefined) return [];
    const found = tokens(`${name}=${value}`, instruction, warn);
    if (found.length > 0) return found;
    const named = SECRET_NAME.test(name) && !NOT_A_SECRET.test(name) && !NOT_A_VALUE.test(value.trim());
    return named ? [{ instruction, message: `${instruction.keyword} ${name} holds a literal secret (${redact(value)})` }] : [];
  });
}

export const secretInDockerfile: DockerfileCheck = {
  definition: {
    id: 'PC-DF-007',
    title: 'Secret written into the Dockerfile',
    severity: 'HIGH',
    description: 'ENV, ARG and LABEL values and RUN command lines are stored in the image config and history; a secret there is readable by anyone who can pull the image, even if a later step removes it.',
    fix: 'Pass secrets at build time with `RUN --mount=type=secret` and at run time through the orchestrator, and rotate the exposed secret.',
    compliance: { 'cis-docker': ['4.10'], 'nist-800-190': ['4.1.4'] },
    references: ['https://docs.docker.com/build/building/secrets/'],
  },
  run(dockerfile, { warn }) {
    return dockerfile.instructions.flatMap((instruction) =>
      PROPERTY_KEYWORDS.has(instruction.keyword) ? propertySecrets(instruction, warn) : tokens(`${instruction.keyword} ${instruction.text}`, instruction, warn),
    );
  },
};
