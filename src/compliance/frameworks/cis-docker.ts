/**
 * CIS Docker Benchmark (numbering of v1.6.0): section 4 (container images and build files) and the
 * section 5 runtime controls an image or its Dockerfile can evidence. Titles are paraphrased; the
 * checks that decide each automated control are the lint checks whose `compliance['cis-docker']`
 * names it.
 */
import type { Framework } from '../model.ts';
import { automated, manual } from './define.ts';

const IMAGES = 'Container images and build files';
const RUNTIME = 'Container runtime (image-evidenced)';
const NO_CHECK_YET = 'no Portcullis check decides this yet';

export const CIS_DOCKER: Framework = {
  id: 'cis-docker',
  name: 'CIS Docker Benchmark v1.6.0',
  controls: [
    automated(IMAGES, '4.1', 'The image defines and switches to a non-root user', 'dockerfile-lint'),
    automated(IMAGES, '4.2', 'Base images come from trusted, pinned sources', 'dockerfile-lint'),
    automated(IMAGES, '4.3', 'The image carries no packages it does not need', 'dockerfile-lint'),
    automated(IMAGES, '4.4', 'The image is scanned and rebuilt to pick up security fixes', 'vulnerabilities'),
    manual(IMAGES, '4.5', 'Docker Content Trust is enabled where images are pulled', 'a client and daemon setting: check DOCKER_CONTENT_TRUST on build and deploy hosts, or enforce signatures at admission'),
    automated(IMAGES, '4.6', 'The image declares a HEALTHCHECK', 'dockerfile-lint'),
    automated(IMAGES, '4.7', 'Package index updates never run on their own in a layer', 'dockerfile-lint'),
    manual(IMAGES, '4.8', 'setuid and setgid bits are removed from files that do not need them', `${NO_CHECK_YET}: list them with find / -perm /6000 -type f in the image`),
    automated(IMAGES, '4.9', 'COPY is used instead of ADD', 'dockerfile-lint'),
    automated(IMAGES, '4.10', 'No secrets are stored in the Dockerfile or the image', 'dockerfile-lint', 'secrets'),
    manual(IMAGES, '4.11', 'Only verified packages are installed', `${NO_CHECK_YET}: check that package manager signature checks stay on and sources use HTTPS`),
    manual(IMAGES, '4.12', 'Signed artifacts are verified before use', 'verify image signatures at admission and artifact signatures in the build'),
    manual(RUNTIME, '5.6', 'No SSH daemon runs inside the container', `${NO_CHECK_YET}: look for openssh-server in the image and EXPOSE 22 in the Dockerfile`),
    manual(RUNTIME, '5.7', 'Privileged ports (below 1024) are not mapped', `${NO_CHECK_YET}: review EXPOSE instructions and the port mappings at run time`),
    manual(RUNTIME, '5.8', 'Only the ports the service needs are open', 'compare EXPOSE and the run-time port mappings with what the service uses'),
    manual(RUNTIME, '5.26', 'The container health is checked at run time', 'check that the orchestrator runs the image HEALTHCHECK or a probe of its own'),
  ],
};
