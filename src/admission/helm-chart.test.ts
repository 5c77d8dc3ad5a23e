/**
 * The Helm chart in deploy/helm/portcullis, checked without helm (not installed here): every
 * template becomes YAML by a simple substitution (control lines dropped, `.Values` paths replaced
 * by the values.yaml defaults, other expressions by placeholders, included blocks by a marker at
 * their indentation), then must parse, and must hold the objects and settings the webhook needs.
 * Every `.Values` path a template reads must exist in values.yaml.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { parse, parseAllDocuments } from 'yaml';

const CHART = new URL('../../deploy/helm/portcullis/', import.meta.url);
const values = parse(readFileSync(new URL('values.yaml', CHART), 'utf8')) as Record<string, unknown>;
const templates = readdirSync(new URL('templates/', CHART)).filter((name) => name.endsWith('.yaml'));
const helpers = readFileSync(new URL('templates/_helpers.tpl', CHART), 'utf8');

function valueAt(path: string): unknown {
  return path.split('.').reduce<unknown>((node, key) => (node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined), values);
}

function substitute(text: string): string {
  const lines: string[] = [];
  for (const line of text.split('\n')) {
    const include = /^\s*\{\{-?\s*(?:include\s+"([^"]+)"|toYaml\s+\.Values\.([\w.]+))[^}]*\|\s*nindent\s+(\d+)\s*-?\}\}\s*$/.exec(line);
    if (include !== null) {
      lines.push(`${' '.repeat(Number(include[3]))}x-included: ${include[1] ?? include[2]}`);
      continue;
    }
    // A line that is only template actions (if, end, variables, comments) renders to nothing.
    if (/^\s*(\{\{[^}]*\}\}\s*)+$/.test(line) && !/^\s*\{\{-?\s*\.|^\s*-\s/.test(line)) continue;
    lines.push(
      line.replace(/\{\{-?\s*(.*?)\s*-?\}\}/g, (_match, expression: string, offset: number) => {
        const path = /^\.Values\.([\w.]+)(\s*\|\s*quote)?$/.exec(expression);
        if (path?.[1] === undefined) return 'placeholder';
        const value = String(valueAt(path[1]));
        // Inside a quoted scalar the value goes in as is; elsewhere strings are quoted as YAML needs.
        const quoted = (line.slice(0, offset).match(/"/g)?.length ?? 0) % 2 === 1;
        return quoted ? value : typeof valueAt(path[1]) === 'string' || path[2] !== undefined ? JSON.stringify(value) : value;
      }),
    );
  }
  return lines.join('\n');
}

function render(name: string): Array<Record<string, any>> {
  const documents = parseAllDocuments(substitute(readFileSync(new URL(`templates/${name}`, CHART), 'utf8')));
  for (const document of documents) assert.deepEqual(document.errors.map((error) => error.message), [], `${name} does not parse as YAML after substitution`);
  return documents.map((document) => document.toJS() as Record<string, any>).filter((object) => object !== null);
}

describe('Helm chart deploy/helm/portcullis', () => {
  it('reads only values that values.yaml declares', () => {
    for (const file of [...templates, '_helpers.tpl']) {
      const text = readFileSync(new URL(`templates/${file}`, CHART), 'utf8');
      for (const [, path] of text.matchAll(/\.Values\.([\w.]+)/g)) assert.notEqual(valueAt(path ?? ''), undefined, `${file} reads .Values.${path}, which values.yaml does not declare`);
    }
  });

  it('renders the registry, its policy, TLS and both webhook configurations', () => {
    const objects = templates.flatMap(render);
    assert.deepEqual(objects.map((object) => object.kind).sort(), ['ConfigMap', 'Deployment', 'MutatingWebhookConfiguration', 'PersistentVolumeClaim', 'Secret', 'Service', 'ValidatingWebhookConfiguration']);
    const deployment = objects.find((object) => object.kind === 'Deployment');
    const args: string[] = deployment?.spec.template.spec.containers[0].args;
    for (const option of ['serve', '--admission', '--admission-policy', '--local-registry-host', '--tls-cert', '--tls-key']) assert.ok(args.includes(option), `serve is started without ${option}`);
    assert.equal(args[args.indexOf('--local-registry-host') + 1], 'registry.example.com');
    for (const kind of ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration']) {
      const [hook] = objects.find((object) => object.kind === kind)?.webhooks;
      assert.equal(hook.failurePolicy, 'Fail');
      assert.deepEqual(hook.admissionReviewVersions, ['v1']);
      assert.equal(hook.timeoutSeconds, 10);
      assert.equal(hook.clientConfig.service.path, kind.startsWith('Mutating') ? '/admission/mutate' : '/admission/validate');
      assert.equal(hook.sideEffects, kind.startsWith('Mutating') ? 'None' : 'NoneOnDryRun');
    }
  });

  it('sends every workload kind to the webhooks and keeps exempt namespaces out', () => {
    const block = (name: string) => new RegExp(`define "${name}" -\\}\\}\\n([\\s\\S]*?)\\n\\{\\{- end`).exec(helpers)?.[1] ?? '';
    const rules = parse(substitute(block('portcullis.webhookRules'))) as Array<{ resources: string[] }>;
    assert.deepEqual(rules.flatMap((rule) => rule.resources).sort(), ['cronjobs', 'daemonsets', 'deployments', 'jobs', 'pods', 'pods/ephemeralcontainers', 'replicasets', 'replicationcontrollers', 'statefulsets']);
    const selector = parse(substitute(block('portcullis.namespaceSelector'))) as { matchExpressions: Array<{ operator: string }> };
    assert.equal(selector.matchExpressions[0]?.operator, 'NotIn');
  });
});
