/** What RUN scripts do that they should not: pipe downloads into shells, sudo, world-writable files, cd, skip TLS checks. */
import type { Instruction } from '../model.ts';
import { type ShellCommand, isShell } from '../shell.ts';
import { type DockerfileCheck, type Hit, type RunCommand, hasOption, runCommands } from './check.ts';

const INTERPRETER = /^(python\d*(\.\d+)?|perl|ruby|node|php)$/;
const FETCHER = /^(curl|wget|fetch)$/;
/** `sh -c "$(curl ...)"`, `bash <(wget ...)`: the download runs without a pipe. */
const SUBSTITUTED_DOWNLOAD = /\b(?:ba|z|da|k)?sh\b[^|;&\n]*(?:\$\(|<\(|`)\s*(?:curl|wget)\b/;

function perInstruction(matches: readonly RunCommand[], message: (instruction: Instruction) => string): Hit[] {
  return [...new Set(matches.map(({ instruction }) => instruction))].map((instruction) => ({ instruction, message: message(instruction) }));
}

export const pipeToShell: DockerfileCheck = {
  definition: {
    id: 'PC-DF-017',
    title: 'Download piped into a shell',
    severity: 'HIGH',
    description: 'Piping curl or wget into a shell runs whatever the server sends at build time, unverified; a compromised or spoofed server owns the image.',
    fix: 'Download to a file, verify its checksum or signature, then run it (or install a package from a signed repository).',
    compliance: { 'nist-800-190': ['4.1.3', '4.1.5'] },
  },
  run(dockerfile) {
    const piped = runCommands(dockerfile).filter(({ pipeline, command }) => {
      const position = pipeline.indexOf(command);
      return (isShell(command.name) || INTERPRETER.test(command.name)) && pipeline.slice(0, position).some((earlier) => FETCHER.test(earlier.name));
    });
    const hits = piped.map(({ instruction, pipeline, command }): Hit => {
      const fetcher = pipeline.find((each) => FETCHER.test(each.name))?.name ?? 'a download';
      return { instruction, message: `RUN pipes ${fetcher} output into ${command.name}, running unverified downloaded code` };
    });
    const substituted = dockerfile.instructions
      .filter((instruction) => instruction.keyword === 'RUN' && SUBSTITUTED_DOWNLOAD.test(instruction.text) && !hits.some((hit) => hit.instruction === instruction))
      .map((instruction) => ({ instruction, message: 'RUN runs a downloaded script through a shell without verifying it' }));
    return [...hits, ...substituted];
  },
};

export const sudo: DockerfileCheck = {
  definition: {
    id: 'PC-DF-018',
    title: 'sudo in RUN',
    severity: 'MEDIUM',
    description: 'sudo in an image means a sudo binary and policy ship with it, an easy privilege escalation path; builds already run as the USER in effect.',
    fix: 'Run the privileged steps before switching USER (or with `USER root` ... `USER app` around them), and do not install sudo.',
    compliance: { 'nist-800-190': ['4.1.2'] },
  },
  run(dockerfile) {
    const uses = runCommands(dockerfile).filter(({ command }) => command.name === 'sudo' || command.wrappers.includes('sudo'));
    return perInstruction(uses, () => 'RUN uses sudo');
  },
};

/** World-writable: the "other" digit has the write bit; sticky modes (1777 for /tmp) are meant to be. */
function worldWritable(mode: string): boolean {
  if (/^[0-7]{3,4}$/.test(mode)) {
    const sticky = mode.length === 4 && (Number(mode[0]) & 1) === 1;
    return !sticky && (Number(mode.at(-1)) & 2) === 2;
  }
  return mode.split(',').some((clause) => /^[ugoa]*[oa][ugoa]*[+=][rwxXst]*w/.test(clause));
}

export const worldWritableChmod: DockerfileCheck = {
  definition: {
    id: 'PC-DF-023',
    title: 'chmod makes files world-writable',
    severity: 'MEDIUM',
    description: 'World-writable files (chmod 777) let any process in the container, whatever its user, replace programs or data.',
    fix: 'Give ownership to the user that needs it (`COPY --chown` or `chown`) and use modes like 755 or 644.',
    compliance: { 'nist-800-190': ['4.1.2'] },
  },
  run(dockerfile) {
    return runCommands(dockerfile).flatMap(({ instruction, command }): Hit[] => {
      if (command.name !== 'chmod') return [];
      const mode = command.args.find((arg) => !/^-[A-Za-z]+$/.test(arg) && !arg.startsWith('--'));
      if (mode === undefined || !worldWritable(mode)) return [];
      const targets = command.args.slice(command.args.indexOf(mode) + 1).join(' ');
      return [{ instruction, message: `chmod ${mode} ${targets} makes files writable by every user` }];
    });
  },
};

export const cdInRun: DockerfileCheck = {
  definition: {
    id: 'PC-DF-027',
    title: 'cd in RUN instead of WORKDIR',
    severity: 'LOW',
    description: 'A cd lasts only for its RUN; later instructions silently run elsewhere, which makes paths in the Dockerfile hard to follow.',
    fix: 'Use `WORKDIR /path` (or a subshell for a one-off directory change).',
    compliance: {},
  },
  run(dockerfile) {
    return perInstruction(runCommands(dockerfile).filter(({ command }) => command.name === 'cd'), () => 'RUN changes directory with cd; use WORKDIR');
  },
};

/** Why a command skips TLS or signature verification, or undefined when it does not. */
function verificationSkipped(command: ShellCommand): string | undefined {
  const { name, args } = command;
  const joined = args.join(' ');
  if (name === 'curl' && hasOption(args, ['--insecure'], 'k')) return 'curl --insecure disables TLS certificate verification';
  if (name === 'wget' && hasOption(args, ['--no-check-certificate'])) return 'wget --no-check-certificate disables TLS certificate verification';
  if (/^pip\d*(\.\d+)?$|^python/.test(name) && hasOption(args, ['--trusted-host'])) return 'pip --trusted-host accepts that host without TLS verification';
  if (/^(apt-get|apt|aptitude)$/.test(name) && (hasOption(args, ['--allow-unauthenticated', '--allow-insecure-repositories']) || /AllowUnauthenticated=(true|1)|Verify-Peer=(false|0)/i.test(joined))) {
    return `${name} installs packages without verifying their signatures or TLS`;
  }
  if (name === 'apk' && hasOption(args, ['--allow-untrusted'])) return 'apk --allow-untrusted installs packages without verifying their signatures';
  if (/^(yum|dnf|microdnf|tdnf|zypper)$/.test(name) && (hasOption(args, ['--nogpgcheck', '--no-gpg-checks']) || /sslverify=(false|0)/i.test(joined))) {
    return `${name} installs packages without verifying their signatures or TLS`;
  }
  if (name === 'rpm' && hasOption(args, ['--nosignature', '--nodigest'])) return 'rpm installs packages without verifying their signatures';
  if (name === 'git' && /http\.sslverify(=|\s+)(false|0)/i.test(joined)) return 'git with http.sslVerify=false disables TLS certificate verification';
  if (/^(npm|yarn|pnpm)$/.test(name) && /strict-ssl(=|\s+)false/i.test(joined)) return `${name} with strict-ssl false disables TLS certificate verification`;
  return undefined;
}

/** Variables that switch verification off for every later command of the image and its containers. */
const INSECURE_ENV: Record<string, RegExp> = {
  NODE_TLS_REJECT_UNAUTHORIZED: /^0$/,
  PYTHONHTTPSVERIFY: /^0$/,
  GIT_SSL_NO_VERIFY: /^(1|true|yes)$/i,
  NPM_CONFIG_STRICT_SSL: /^(false|0)$/i,
  PIP_TRUSTED_HOST: /./,
};

export const verificationDisabled: DockerfileCheck = {
  definition: {
    id: 'PC-DF-029',
    title: 'TLS or signature verification disabled',
    severity: 'HIGH',
    description: 'Turning off certificate or package signature checks lets anyone on the network path substitute what is downloaded into the image.',
    fix: 'Remove the flag or variable; install the CA certificate the server needs (or the repository key) instead.',
    compliance: { 'nist-800-190': ['4.1.5'] },
  },
  run(dockerfile) {
    const commandHits = runCommands(dockerfile).flatMap(({ instruction, command }): Hit[] => {
      const why = verificationSkipped(command);
      return why === undefined ? [] : [{ instruction, message: why }];
    });
    const trustedRepositories = dockerfile.instructions
      .filter((instruction) => instruction.keyword === 'RUN' && /\[\s*trusted=yes\s*\]/.test(instruction.text))
      .map((instruction) => ({ instruction, message: 'an apt source marked [trusted=yes] is installed from without signature checks' }));
    const envHits = dockerfile.instructions
      .filter((instruction) => instruction.keyword === 'ENV')
      .flatMap((instruction) =>
        instruction.properties
          .filter(({ name, value }) => INSECURE_ENV[name]?.test(value ?? '') === true)
          .map(({ name, value }) => ({ instruction, message: `ENV ${name}=${value ?? ''} disables TLS verification for everything in the image` })),
      );
    return [...commandHits, ...trustedRepositories, ...envHits];
  },
};
