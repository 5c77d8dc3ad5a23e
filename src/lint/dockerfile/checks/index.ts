/**
 * Every Dockerfile check, in id order: an explicit list, so adding a check is one line here (see
 * docs/checks/dockerfile.md for how) and nothing registers itself by being imported.
 */
import type { DockerfileCheck } from './check.ts';
import { noDigest, unpinnedTag, untrustedRegistry } from './base-image.ts';
import { addLocal, addRemote, copyDestination } from './copy-add.ts';
import { buildToolsInFinalStage, noHealthcheck, rootUser } from './final-stage.ts';
import { insecureBuild, invalidPort, maintainer, relativeWorkdir, sshPort } from './instructions.ts';
import { apkCache, apkUnpinned, aptListsLeft, aptNoYes, aptRecommends, aptUnpinned, pipCache, pipUnpinned, rpmCache, updateAlone } from './packages.ts';
import { secretInDockerfile } from './secrets.ts';
import { cdInRun, pipeToShell, sudo, verificationDisabled, worldWritableChmod } from './shell-habits.ts';

export type { CheckContext, DockerfileCheck, DockerfileLintOptions, Hit } from './check.ts';


export const DOCKERFILE_CHECKS: readonly DockerfileCheck[] = [
  unpinnedTag,
  noDigest,
  untrustedRegistry,
  rootUser,
  addRemote,
  addLocal,
  secretInDockerfile,
  aptRecommends,
  updateAlone,
  aptListsLeft,
  aptUnpinned,
  aptNoYes,
  apkCache,
  apkUnpinned,
  pipCache,
  pipUnpinned,
  pipeToShell,
  sudo,
  noHealthcheck,
  buildToolsInFinalStage,
  invalidPort,
  sshPort,
  worldWritableChmod,
  relativeWorkdir,
  insecureBuild,
  maintainer,
  cdInRun,
  copyDestination,
  verificationDisabled,
  rpmCache,
];
