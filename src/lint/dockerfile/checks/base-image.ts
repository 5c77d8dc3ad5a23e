/** Where the image starts: a base image pinned to a tag and a digest, from a trusted registry. */
import type { Reference } from '../../../core/index.ts';
import { isAllowed } from '../../registries.ts';
import type { ParsedDockerfile, Stage } from '../model.ts';
import type { DockerfileCheck, Hit } from './check.ts';

type ImageStage = Stage & { base: { kind: 'image'; text: string; reference: Reference } };

function imageStages(dockerfile: ParsedDockerfile): ImageStage[] {
  return dockerfile.stages.filter((stage): stage is ImageStage => stage.base.kind === 'image');
}

function floating(reference: Reference): boolean {
  return reference.digest === undefined && (reference.tag === undefined || reference.tag === 'latest');
}

export const unpinnedTag: DockerfileCheck = {
  definition: {
    id: 'PC-DF-001',
    title: 'Base image is untagged or uses latest',
    severity: 'MEDIUM',
    description: 'An untagged or `latest` base image changes whenever its publisher pushes, so the same Dockerfile builds a different, unreviewed image from one day to the next.',
    fix: 'Name a specific version tag (`debian:12.7-slim`), and preferably a digest as well (`debian:12.7-slim@sha256:...`).',
    compliance: { 'cis-docker': ['4.2'], 'nist-800-190': ['4.1.5', '4.2.2'] },
    references: ['https://docs.docker.com/build/building/best-practices/#from'],
  },
  run(dockerfile) {
    return imageStages(dockerfile)
      .filter((stage) => floating(stage.base.reference))
      .map((stage): Hit => ({
        instruction: stage.from,
        message: stage.base.reference.tag === undefined
          ? `FROM ${stage.base.text} has no tag, so the build pulls whatever latest is today`
          : `FROM ${stage.base.text} uses the moving tag latest`,
      }));
  },
};

export const noDigest: DockerfileCheck = {
  definition: {
    id: 'PC-DF-002',
    title: 'Base image is not pinned by digest',
    severity: 'LOW',
    description: 'A tag can be moved to different content by anyone who can push to the repository; only a digest names exactly the image that was reviewed and scanned.',
    fix: 'Append the digest of the reviewed image to the reference (`FROM debian:12.7-slim@sha256:...`) and update it deliberately (for example with Renovate or Dependabot).',
    compliance: { 'cis-docker': ['4.2'], 'nist-800-190': ['4.1.5'] },
  },
  run(dockerfile) {
    // A floating reference is PC-DF-001's finding; this one is about tags that merely could move.
    return imageStages(dockerfile)
      .filter((stage) => stage.base.reference.digest === undefined && !floating(stage.base.reference))
      .map((stage) => ({ instruction: stage.from, message: `FROM ${stage.base.text} is pinned by tag only, not by digest` }));
  },
};

export const untrustedRegistry: DockerfileCheck = {
  definition: {
    id: 'PC-DF-003',
    title: 'Base image comes from a registry that is not allowed',
    severity: 'HIGH',
    description: 'Base images should come only from registries and repositories the organisation trusts and watches; anything else brings unreviewed software into every image built on it.',
    fix: 'Use a base image from an allowed registry (mirror the image there if needed), or add the registry to --allowed-registries after reviewing it.',
    compliance: { 'cis-docker': ['4.2'], 'nist-800-190': ['4.1.5'] },
  },
  enabled: (options) => options.allowedRegistries !== undefined && options.allowedRegistries.length > 0,
  run(dockerfile, { options }) {
    const allowed = options.allowedRegistries ?? [];
    return imageStages(dockerfile)
      .filter((stage) => !isAllowed(stage.base.reference, allowed))
      .map((stage) => {
        const name = `${stage.base.reference.domain}/${stage.base.reference.repository}`;
        return { instruction: stage.from, message: `FROM ${stage.base.text} (${name}) is not under an allowed registry or repository (${allowed.join(', ')})` };
      });
  },
};

