/**
 * Package manager hygiene in RUN: installs that are non-interactive, minimal, pinned and leave no
 * cache behind (apt, apk, pip, yum/dnf/zypper), and package indexes never updated on their own.
 */
import type { Instruction } from '../model.ts';
import type { ShellCommand } from '../shell.ts';
import { type DockerfileCheck, type Hit, type RunCommand, hasOption, listed, operands, runCommands } from './check.ts';

type Manager = 'apt' | 'apk' | 'yum' | 'zypper' | 'pip';

export interface Install {
  manager: Manager;
  /** The manager's own arguments (for `python -m pip install x`: `install x`). */
  args: string[];
  subcommandIndex: number;
  /** Options of this manager that take the next word as their value. */
  valued: ReadonlySet<string>;
}

const VALUED: Record<Manager, ReadonlySet<string>> = {
  apt: new Set(['-o', '-c', '-t', '--option', '--config-file', '--target-release']),
  apk: new Set(['-t', '--virtual', '-X', '--repository', '-p', '--root', '--arch', '--keys-dir', '--repositories-file', '--cache-dir']),
  yum: new Set(['-c', '-x', '--exclude', '--installroot', '--releasever', '--enablerepo', '--disablerepo', '--setopt']),
  zypper: new Set(['-r', '--repo', '--from', '-t', '--type']),
  pip: new Set([
    '-r', '--requirement', '-c', '--constraint', '-e', '--editable', '-i', '--index-url', '--extra-index-url', '-f', '--find-links',
    '-t', '--target', '--prefix', '--root', '--trusted-host', '--platform', '--python-version', '--implementation', '--abi', '--src',
    '--upgrade-strategy', '--cache-dir', '--log', '--progress-bar', '--proxy', '--retries', '--timeout', '--cert', '--client-cert',
    '--only-binary', '--no-binary', '--report',
  ]),
};

const INSTALL_VERBS: Record<Manager, readonly string[]> = {
  apt: ['install'],
  apk: ['add'],
  yum: ['install', 'groupinstall', 'reinstall'],
  zypper: ['install', 'in'],
  pip: ['install'],
};

function managerOf(command: ShellCommand): { manager: Manager; args: string[] } | undefined {
  const { name, args } = command;
  if (name === 'apt-get' || name === 'apt' || name === 'aptitude') return { manager: 'apt', args };
  if (name === 'apk') return { manager: 'apk', args };
  if (name === 'yum' || name === 'dnf' || name === 'microdnf' || name === 'tdnf') return { manager: 'yum', args };
  if (name === 'zypper') return { manager: 'zypper', args };
  if (/^pip\d*(\.\d+)?$/.test(name)) return { manager: 'pip', args };
  if (/^python\d*(\.\d+)?$/.test(name) && args[0] === '-m' && /^pip\d*(\.\d+)?$/.test(args[1] ?? '')) return { manager: 'pip', args: args.slice(2) };
  return undefined;
}

/** The subcommand (`install`, `update`, ...) and where it is, options before it skipped. */
function subcommand(manager: Manager, args: readonly string[]): { verb: string; index: number } | undefined {
  for (let index = 0; index < args.length; index += 1) {
    const arg = args[index]!;
    if (!arg.startsWith('-')) return { verb: arg, index };
    if (VALUED[manager].has(arg)) index += 1;
  }
  return undefined;
}

/** The command as a package installation, or undefined when it installs nothing. */
export function packageManagerInstall(command: ShellCommand): Install | undefined {
  const found = managerOf(command);
  if (found === undefined) return undefined;
  const sub = subcommand(found.manager, found.args);
  if (sub === undefined || !INSTALL_VERBS[found.manager].includes(sub.verb)) return undefined;
  return { manager: found.manager, args: found.args, subcommandIndex: sub.index, valued: VALUED[found.manager] };
}

function installs(commands: readonly RunCommand[], manager: Manager): Array<RunCommand & { install: Install }> {
  return commands.flatMap((each) => {
    const install = packageManagerInstall(each.command);
    return install?.manager === manager ? [{ ...each, install }] : [];
  });
}

function packagesOf(install: Install): string[] {
  return operands(install.args, install.subcommandIndex, install.valued);
}

/** A BuildKit cache mount over `path` keeps the cache out of the layer, which is as good as cleaning it. */
function cacheMounted(instruction: Instruction, path: string): boolean {
  return instruction.flags.some((flag) => flag.name === 'mount' && /type=cache/.test(flag.value ?? '') && new RegExp(`(target|dst|destination)=${path}`).test(flag.value ?? ''));
}

/** Whether the same RUN runs a command matching `test` (cleanup has to happen in the layer that made the mess). */
function sameRunHas(instruction: Instruction, test: (command: ShellCommand) => boolean): boolean {
  return instruction.commands.some((pipeline) => pipeline.some(test));
}

function removes(command: ShellCommand, prefix: string): boolean {
  return command.name === 'rm' && command.args.some((arg) => arg.startsWith(prefix));
}

/** One hit per instruction: a RUN with three offending installs is one thing to fix. */
function perInstruction(matches: ReadonlyArray<{ instruction: Instruction }>, message: (instruction: Instruction) => string): Hit[] {
  return [...new Set(matches.map(({ instruction }) => instruction))].map((instruction) => ({ instruction, message: message(instruction) }));
}

function unpinned(matches: ReadonlyArray<RunCommand & { install: Install }>, isPinned: (operand: string) => boolean, tool: string): Hit[] {
  const loose = new Map<Instruction, string[]>();
  for (const { instruction, install } of matches) {
    // Local files, paths and URLs name exact content already.
    const found = packagesOf(install).filter((operand) => !/[/:]|\.(deb|apk|whl|rpm)$|^\.$/.test(operand) && !isPinned(operand));
    if (found.length > 0) loose.set(instruction, [...(loose.get(instruction) ?? []), ...found]);
  }
  return [...loose].map(([instruction, names]) => ({ instruction, message: `${tool} installs ${listed(names)} without a version pin` }));
}

const aptGet = (commands: readonly RunCommand[]) => installs(commands, 'apt');

export const aptRecommends: DockerfileCheck = {
  definition: {
    id: 'PC-DF-008',
    title: 'apt-get install without --no-install-recommends',
    severity: 'LOW',
    description: 'Recommended packages are installed by default and add software nobody asked for, each a possible vulnerability.',
    fix: 'Add `--no-install-recommends` to `apt-get install` and list what is really needed.',
    compliance: { 'cis-docker': ['4.3'], 'nist-800-190': ['4.1.2'] },
  },
  run(dockerfile) {
    const loose = aptGet(runCommands(dockerfile)).filter(({ install }) =>
      !hasOption(install.args, ['--no-install-recommends']) && !install.args.some((arg) => /APT::Install-Recommends=(false|0)/i.test(arg)),
    );
    return perInstruction(loose, () => 'apt-get install without --no-install-recommends pulls in recommended packages');
  },
};

export const updateAlone: DockerfileCheck = {
  definition: {
    id: 'PC-DF-009',
    title: 'Package index updated in a RUN of its own',
    severity: 'MEDIUM',
    description: 'A cached `apt-get update` layer is reused by later builds, so the installs after it read a stale index and miss security fixes.',
    fix: 'Run `apt-get update && apt-get install ...` (or `apk add --no-cache`) in one RUN instruction.',
    compliance: { 'cis-docker': ['4.7'], 'nist-800-190': ['4.2.2'] },
  },
  run(dockerfile) {
    const commands = runCommands(dockerfile);
    const updates = commands.filter(({ command }) => {
      const found = managerOf(command);
      return (found?.manager === 'apt' || found?.manager === 'apk') && subcommand(found.manager, found.args)?.verb === 'update';
    });
    const alone = updates.filter(({ instruction }) => !sameRunHas(instruction, (command) => packageManagerInstall(command) !== undefined));
    return perInstruction(alone, () => 'the package index is updated in a RUN that installs nothing; later installs may use a stale cached index');
  },
};

export const aptListsLeft: DockerfileCheck = {
  definition: {
    id: 'PC-DF-010',
    title: 'apt lists not removed after install',
    severity: 'LOW',
    description: 'The apt package lists stay in the layer, adding tens of megabytes and a stale view of the archive to the image.',
    fix: 'End the same RUN with `rm -rf /var/lib/apt/lists/*` (or use a BuildKit cache mount on /var/lib/apt).',
    compliance: {},
  },
  run(dockerfile) {
    const commands = runCommands(dockerfile);
    const left = aptGet(commands).filter(({ instruction }) =>
      !cacheMounted(instruction, '/var/lib/apt') && !sameRunHas(instruction, (command) => removes(command, '/var/lib/apt/lists')),
    );
    return perInstruction(left, () => 'apt-get install leaves /var/lib/apt/lists in the layer');
  },
};

export const aptUnpinned: DockerfileCheck = {
  definition: {
    id: 'PC-DF-011',
    title: 'apt-get install without version pins',
    severity: 'LOW',
    description: 'Unpinned packages install whatever version the archive has on build day, so builds are not reproducible and a compromised or broken update slips in unnoticed.',
    fix: 'Pin each package (`apt-get install curl=7.88.1-10+deb12u8`) and update the pins deliberately.',
    compliance: { 'nist-800-190': ['4.1.1'] },
  },
  run: (dockerfile) => unpinned(aptGet(runCommands(dockerfile)), (operand) => operand.includes('='), 'apt-get'),
};

export const aptNoYes: DockerfileCheck = {
  definition: {
    id: 'PC-DF-012',
    title: 'apt-get install without -y',
    severity: 'LOW',
    description: 'Without `-y` apt-get asks for confirmation, which a build cannot give: the install aborts or waits.',
    fix: 'Add `-y` (or `--yes`) to `apt-get install`.',
    compliance: {},
  },
  run(dockerfile) {
    const asking = aptGet(runCommands(dockerfile)).filter(({ install }) =>
      !hasOption(install.args, ['--yes', '--assume-yes'], 'y') && !install.args.some((arg) => /^(-qq+|-q=[2-9]|--quiet=[2-9])$/.test(arg)),
    );
    return perInstruction(asking, () => 'apt-get install without -y waits for a confirmation the build cannot give');
  },
};

export const apkCache: DockerfileCheck = {
  definition: {
    id: 'PC-DF-013',
    title: 'apk add without --no-cache',
    severity: 'LOW',
    description: 'apk keeps its index and package cache in the layer, adding size and stale data to the image.',
    fix: 'Use `apk add --no-cache ...` (it also makes a separate `apk update` unnecessary).',
    compliance: {},
  },
  run(dockerfile) {
    const commands = runCommands(dockerfile);
    const cached = installs(commands, 'apk').filter(({ install, instruction }) =>
      !hasOption(install.args, ['--no-cache']) && !cacheMounted(instruction, '/var/cache/apk') && !sameRunHas(instruction, (command) => removes(command, '/var/cache/apk')),
    );
    return perInstruction(cached, () => 'apk add without --no-cache leaves the package cache in the layer');
  },
};

export const apkUnpinned: DockerfileCheck = {
  definition: {
    id: 'PC-DF-014',
    title: 'apk add without version pins',
    severity: 'LOW',
    description: 'Unpinned packages install whatever version the repository has on build day, so builds are not reproducible.',
    fix: 'Pin each package (`apk add --no-cache curl=8.9.1-r2`) and update the pins deliberately.',
    compliance: { 'nist-800-190': ['4.1.1'] },
  },
  run: (dockerfile) => unpinned(installs(runCommands(dockerfile), 'apk'), (operand) => /[=<>~]/.test(operand), 'apk add'),
};

export const pipCache: DockerfileCheck = {
  definition: {
    id: 'PC-DF-015',
    title: 'pip install without --no-cache-dir',
    severity: 'LOW',
    description: "pip's download cache stays in the layer and only adds size to the image.",
    fix: 'Add `--no-cache-dir` to `pip install` (or set `ENV PIP_NO_CACHE_DIR=1`).',
    compliance: {},
  },
  run(dockerfile) {
    const envDisables = dockerfile.instructions.some((instruction) => instruction.keyword === 'ENV' && instruction.properties.some((property) => property.name === 'PIP_NO_CACHE_DIR'));
    if (envDisables) return [];
    const cached = installs(runCommands(dockerfile), 'pip').filter(({ install, instruction }) =>
      !hasOption(install.args, ['--no-cache-dir']) && !cacheMounted(instruction, '\\S*\\.cache/pip'),
    );
    return perInstruction(cached, () => 'pip install without --no-cache-dir leaves its cache in the layer');
  },
};

export const pipUnpinned: DockerfileCheck = {
  definition: {
    id: 'PC-DF-016',
    title: 'pip install without version pins',
    severity: 'LOW',
    description: 'Unpinned requirements install the newest release on build day, including a hijacked or broken one.',
    fix: 'Pin exact versions (`pip install requests==2.32.3`), or install from a pinned requirements or constraints file (`-r requirements.txt`, `-c constraints.txt`).',
    compliance: { 'nist-800-190': ['4.1.1'] },
  },
  run(dockerfile) {
    const constrained = installs(runCommands(dockerfile), 'pip').filter(({ install }) => !hasOption(install.args, ['-c', '--constraint']));
    return unpinned(constrained, (operand) => /===?|~=|@/.test(operand), 'pip');
  },
};

export const rpmCache: DockerfileCheck = {
  definition: {
    id: 'PC-DF-030',
    title: 'yum, dnf or zypper cache not cleaned after install',
    severity: 'LOW',
    description: 'The package manager cache stays in the layer, adding size and stale metadata to the image.',
    fix: 'End the same RUN with `yum clean all` / `dnf clean all` / `zypper clean --all` (or use a BuildKit cache mount on /var/cache).',
    compliance: {},
  },
  run(dockerfile) {
    const commands = runCommands(dockerfile);
    const cleans = (command: ShellCommand) =>
      ((managerOf(command)?.manager === 'yum' || command.name === 'zypper') && /^(clean|cc)$/.test(command.args.find((arg) => !arg.startsWith('-')) ?? '')) ||
      removes(command, '/var/cache/');
    const left = [...installs(commands, 'yum'), ...installs(commands, 'zypper')].filter(({ instruction }) =>
      !cacheMounted(instruction, '/var/cache') && !sameRunHas(instruction, cleans),
    );
    return perInstruction(left, () => 'the package manager cache is left in the layer (no clean in the same RUN)');
  },
};
