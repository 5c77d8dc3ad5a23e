import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { checksForProfile, kubernetesCheckDefinitions, lintManifests } from './lint.ts';
import type { ManifestText } from './read-input.ts';

const TESTDATA = join(import.meta.dirname, 'testdata');

async function fixtures(directory: string): Promise<ManifestText[]> {
  const names = (await readdir(join(TESTDATA, directory))).sort();
  return Promise.all(names.map(async (name) => ({ file: `${directory}/${name}`, text: await readFile(join(TESTDATA, directory, name), 'utf8') })));
}

const OPTIONS = { profile: 'restricted' as const, trustedRegistries: ['ghcr.io/acme'] };

/** Where each check must fire in testdata/insecure, as file:line (one entry per finding). */
const EXPECTED: Record<string, string[]> = {
  'PC-K8S-001': ['deployment.yaml:47'],
  'PC-K8S-002': ['deployment.yaml:21', 'pod.yaml:8', 'pod.yaml:9'],
  'PC-K8S-003': ['deployment.yaml:29'],
  'PC-K8S-004': ['deployment.yaml:40'],
  'PC-K8S-005': ['deployment.yaml:51'],
  'PC-K8S-006': ['pod.yaml:14'],
  'PC-K8S-007': ['deployment.yaml:19', 'pod.yaml:12'],
  'PC-K8S-008': ['deployment.yaml:26', 'pod.yaml:20'],
  'PC-K8S-009': ['deployment.yaml:48'],
  'PC-K8S-010': ['deployment.yaml:24', 'pod.yaml:26'],
  'PC-K8S-011': ['cronjob.yaml:17'],
  'PC-K8S-012': ['deployment.yaml:29', 'deployment.yaml:32'],
  'PC-K8S-013': ['cronjob.yaml:20', 'deployment.yaml:46', 'pod.yaml:18', 'pod.yaml:24'],
  'PC-K8S-014': ['cronjob.yaml:15', 'deployment.yaml:46', 'pod.yaml:18', 'pod.yaml:24'],
  'PC-K8S-015': ['deployment.yaml:49'],
  'PC-K8S-016': ['cronjob.yaml:14', 'pod.yaml:10'],
  'PC-K8S-017': ['cronjob.yaml:20', 'deployment.yaml:50', 'deployment.yaml:51', 'pod.yaml:18', 'pod.yaml:24'],
  'PC-K8S-018': ['cronjob.yaml:21', 'deployment.yaml:36'],
  'PC-K8S-019': ['cronjob.yaml:21', 'deployment.yaml:36', 'pod.yaml:23'],
  'PC-K8S-020': ['cronjob.yaml:21', 'deployment.yaml:36', 'pod.yaml:17', 'pod.yaml:23'],
  'PC-K8S-021': ['cronjob.yaml:20', 'deployment.yaml:52', 'pod.yaml:16'],
  'PC-K8S-022': ['cronjob.yaml:20', 'deployment.yaml:52', 'pod.yaml:16'],
  'PC-K8S-023': ['deployment.yaml:36', 'pod.yaml:16'],
  'PC-K8S-024': ['deployment.yaml:36', 'pod.yaml:16'],
  'PC-K8S-025': ['cronjob.yaml:20', 'deployment.yaml:46', 'pod.yaml:18', 'pod.yaml:24'],
  'PC-K8S-026': ['cronjob.yaml:25', 'deployment.yaml:43'],
  'PC-K8S-027': ['cronjob.yaml:12', 'deployment.yaml:20', 'pod.yaml:7'],
  'PC-K8S-028': ['cronjob.yaml:12', 'deployment.yaml:20', 'network.yaml:56', 'pod.yaml:7'],
  'PC-K8S-029': ['rbac.yaml:6', 'rbac.yaml:7', 'rbac.yaml:8'],
  'PC-K8S-030': ['rbac.yaml:14', 'rbac.yaml:14'],
  'PC-K8S-031': ['rbac.yaml:6', 'rbac.yaml:9'],
  'PC-K8S-032': ['rbac.yaml:25', 'rbac.yaml:39'],
  'PC-K8S-033': ['rbac.yaml:27'],
  'PC-K8S-034': ['network.yaml:8'],
  'PC-K8S-035': ['network.yaml:21'],
  'PC-K8S-036': ['network.yaml:30', 'network.yaml:54'],
  'PC-K8S-037': ['cronjob.yaml:4', 'deployment.yaml:4'],
};

describe('built-in Kubernetes checks', async () => {
  const insecure = lintManifests(await fixtures('insecure'), OPTIONS);
  const hardened = lintManifests(await fixtures('hardened'), OPTIONS);

  it('has a test expectation for every check and no other', () => {
    assert.deepEqual(Object.keys(EXPECTED).sort(), kubernetesCheckDefinitions().map((check) => check.id).sort());
  });

  for (const [id, expected] of Object.entries(EXPECTED)) {
    it(`${id} fires on the insecure manifests at the offending lines and stays silent on the hardened ones`, () => {
      const found = insecure.findings.filter((finding) => finding.checkId === id).map((finding) => `${finding.file.replace('insecure/', '')}:${finding.line}`);
      assert.deepEqual(found.sort(), [...expected].sort());
      assert.deepEqual(hardened.findings.filter((finding) => finding.checkId === id), []);
    });
  }

  it('reads the hardened manifests without warnings and names resources Kind/namespace/name', () => {
    assert.deepEqual(hardened.warnings, []);
    assert.ok(insecure.findings.some((finding) => finding.resource === 'CronJob/batch/backup'));
    assert.ok(insecure.findings.some((finding) => finding.resource === 'ClusterRole/operator'));
  });

  it('never puts a literal secret value into a message', () => {
    assert.ok(insecure.findings.every((finding) => !finding.message.includes('hunter2') && !finding.message.includes('abc123')));
  });
});

describe('profiles and options', () => {
  it('baseline leaves out the restricted controls; restricted runs both', () => {
    const baseline = checksForProfile('baseline').map((check) => check.definition.id);
    const restricted = checksForProfile('restricted').map((check) => check.definition.id);
    for (const id of ['PC-K8S-012', 'PC-K8S-013', 'PC-K8S-014', 'PC-K8S-015', 'PC-K8S-016', 'PC-K8S-017']) {
      assert.ok(!baseline.includes(id), `${id} is not baseline`);
      assert.ok(restricted.includes(id), `${id} is restricted`);
    }
    assert.ok(baseline.includes('PC-K8S-001') && baseline.includes('PC-K8S-011'));
  });

  it('skips the Linux-only restricted controls for Windows pods', () => {
    const text = 'apiVersion: v1\nkind: Pod\nmetadata: {name: win}\nspec:\n  os: {name: windows}\n  containers:\n  - name: app\n    image: mcr.microsoft.com/windows/nanoserver:ltsc2022\n';
    const ids = lintManifests([{ file: 'win.yaml', text }]).findings.map((finding) => finding.checkId);
    for (const id of ['PC-K8S-013', 'PC-K8S-016', 'PC-K8S-017']) assert.ok(!ids.includes(id), `${id} must not fire for Windows`);
    assert.ok(ids.includes('PC-K8S-014'), 'runAsNonRoot still applies to Windows pods');
  });

  it('checks trusted registries only when a list is given', () => {
    const text = 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - {name: a, image: quay.io/x/y:1}\n';
    assert.ok(!lintManifests([{ file: 'p.yaml', text }]).findings.some((finding) => finding.checkId === 'PC-K8S-020'));
    const trusted = lintManifests([{ file: 'p.yaml', text }], { trustedRegistries: ['quay.io/x'] });
    assert.ok(!trusted.findings.some((finding) => finding.checkId === 'PC-K8S-020'));
    const untrusted = lintManifests([{ file: 'p.yaml', text }], { trustedRegistries: ['quay.io/xy'] });
    assert.ok(untrusted.findings.some((finding) => finding.checkId === 'PC-K8S-020'));
  });

  it('suppresses a finding with an ignore comment on its line or the line above, keeping the reason', () => {
    const text = [
      'apiVersion: v1',
      'kind: Pod',
      'metadata: {name: p}',
      'spec:',
      '  hostNetwork: true # portcullis:ignore=PC-K8S-002 node exporter needs the host network',
      '  containers:',
      '  - name: a',
      '    image: ghcr.io/acme/a:1',
      '    securityContext:',
      '      # portcullis:ignore=PC-K8S-001,PC-K8S-005',
      '      privileged: true',
    ].join('\n');
    const findings = lintManifests([{ file: 'p.yaml', text }]).findings;
    const hostNetwork = findings.find((finding) => finding.checkId === 'PC-K8S-002');
    assert.deepEqual(hostNetwork?.suppressed, { reason: 'node exporter needs the host network' });
    assert.deepEqual(findings.find((finding) => finding.checkId === 'PC-K8S-001')?.suppressed, { reason: 'no reason given' });
    assert.equal(findings.find((finding) => finding.checkId === 'PC-K8S-025')?.suppressed, undefined);
  });

  it('warns when an image reference cannot be read (an unrendered template) instead of passing its image checks', () => {
    const text = 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: a\n    image: "{{ .Values.image }}"\n';
    const report = lintManifests([{ file: 'p.yaml', text }]);
    assert.equal(report.warnings.length, 1);
    assert.match(report.warnings[0]?.message ?? '', /^line 7: Pod\/p: image checks skipped: invalid/);
  });

  it('sees NetworkPolicies in another file of the same run', () => {
    const pod = { file: 'pod.yaml', text: 'apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: web}\nspec:\n  containers: [{name: a, image: a:1}]\n' };
    const policy = { file: 'policy.yaml', text: 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: deny, namespace: web}\nspec: {podSelector: {}}\n' };
    assert.ok(lintManifests([pod]).findings.some((finding) => finding.checkId === 'PC-K8S-037'));
    assert.ok(!lintManifests([pod, policy]).findings.some((finding) => finding.checkId === 'PC-K8S-037'));
  });

  it('honours a ServiceAccount that disables token mounting for the pods using it', () => {
    const account = 'apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: app, namespace: a}\nautomountServiceAccountToken: false\n';
    const pod = 'apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: a}\nspec:\n  serviceAccountName: app\n  containers: [{name: a, image: a:1}]\n';
    assert.ok(lintManifests([{ file: 'x.yaml', text: pod }]).findings.some((finding) => finding.checkId === 'PC-K8S-028'));
    assert.ok(!lintManifests([{ file: 'x.yaml', text: `${account}---\n${pod}` }]).findings.some((finding) => finding.checkId === 'PC-K8S-028'));
  });
});

describe('docs/checks/kubernetes.md', () => {
  it('documents every check with its current title and severity', async () => {
    const page = await readFile(join(import.meta.dirname, '..', '..', '..', 'docs', 'checks', 'kubernetes.md'), 'utf8');
    for (const check of kubernetesCheckDefinitions()) {
      assert.ok(page.includes(`### ${check.id}\n\n**${check.title}** — severity ${check.severity}`), `${check.id} is missing or stale in the docs`);
    }
  });
});
