import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type CheckDefinition, ALL_DOCKERFILE_CHECK_IDS, dockerfileCheckDefinitions, kubernetesCheckDefinitions } from '../lint/index.ts';
import { FRAMEWORK_IDS, FRAMEWORKS, mapsTo, type EvidenceSource } from './index.ts';

/** Every built-in check (a registry list enables the optional ones), with the lint source it belongs to. */
const BUILT_IN: Array<{ check: CheckDefinition; source: EvidenceSource }> = [
  ...dockerfileCheckDefinitions({ allowedRegistries: ['ghcr.io/acme'] }).map((check) => ({ check, source: 'dockerfile-lint' as const })),
  ...kubernetesCheckDefinitions().map((check) => ({ check, source: 'k8s-lint' as const })),
];

describe('compliance catalogs', () => {
  it('know the built-in checks (the list is not empty, so the tests below test something)', () => {
    assert.ok(BUILT_IN.some(({ source }) => source === 'dockerfile-lint'));
    assert.ok(BUILT_IN.some(({ source }) => source === 'k8s-lint'));
    const dockerfileIds = BUILT_IN.filter(({ source }) => source === 'dockerfile-lint').map(({ check }) => check.id);
    assert.deepEqual(new Set(dockerfileIds), ALL_DOCKERFILE_CHECK_IDS, 'every Dockerfile check is enabled here');
  });

  for (const id of FRAMEWORK_IDS) {
    const framework = FRAMEWORKS[id];
    describe(framework.name, () => {
      it('is filed under its own id and has controls', () => {
        assert.equal(framework.id, id);
        assert.ok(framework.controls.length >= 10);
      });

      it('has unique, well-formed control ids', () => {
        const ids = framework.controls.map((control) => control.id);
        assert.deepEqual(ids.filter((value, index) => ids.indexOf(value) !== index), []);
        for (const value of ids) assert.match(value, /^\d+(\.\d+){1,2}$/);
      });

      it('gives every control a title, a group and a decision source', () => {
        for (const control of framework.controls) {
          assert.ok(control.title.length > 10, `${control.id} title`);
          assert.ok(control.group.length > 0, `${control.id} group`);
          if (control.decision.kind === 'manual') assert.ok(control.decision.review.length > 10, `${control.id} says what to review`);
          else assert.ok(control.decision.sources.length > 0, `${control.id} has no evidence source`);
        }
      });

      it('decides every lint-evidenced control through at least one check that maps to it', () => {
        for (const control of framework.controls) {
          if (control.decision.kind !== 'automated') continue;
          for (const source of control.decision.sources.filter((each) => each === 'dockerfile-lint' || each === 'k8s-lint')) {
            const checks = BUILT_IN.filter((each) => each.source === source && mapsTo(each.check, framework, control));
            assert.ok(checks.length > 0, `${id} ${control.id} names ${source} but no ${source} check maps to it`);
          }
        }
      });

      it('has a control, with that lint source, for every control id a check maps to', () => {
        for (const { check, source } of BUILT_IN) {
          for (const controlId of check.compliance[id] ?? []) {
            const control = framework.controls.find((each) => each.id === controlId);
            assert.ok(control, `${check.id} maps to ${id} ${controlId}, which the catalog lacks`);
            assert.equal(control.decision.kind, 'automated', `${check.id} maps to ${id} ${controlId}, which the catalog calls manual`);
            if (control.decision.kind === 'automated') assert.ok(control.decision.sources.includes(source), `${id} ${controlId} does not list ${source}, though ${check.id} maps to it`);
          }
        }
      });
    });
  }

  it('decides embedded secrets and image vulnerabilities with the secret and vulnerability scanners', () => {
    const sourcesOf = (framework: (typeof FRAMEWORK_IDS)[number], controlId: string) => {
      const decision = FRAMEWORKS[framework].controls.find((control) => control.id === controlId)?.decision;
      return decision?.kind === 'automated' ? decision.sources : [];
    };
    assert.ok(sourcesOf('nist-800-190', '4.1.4').includes('secrets'));
    assert.ok(sourcesOf('cis-docker', '4.10').includes('secrets'));
    assert.ok(sourcesOf('nist-800-190', '4.1.1').includes('vulnerabilities'));
  });
});
