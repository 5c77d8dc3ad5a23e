import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parseDockerfile } from './parse.ts';

const CLEAN = readFileSync(new URL('testdata/clean/Dockerfile', import.meta.url), 'utf8');

describe('parseDockerfile', () => {
  it('reads stages, their names and ARG substitution in FROM', () => {
    const parsed = parseDockerfile(CLEAN);
    assert.equal(parsed.stages.length, 2);
    const [build, final] = parsed.stages;
    assert.equal(build?.name, 'build');
    assert.equal(build?.from.line, 6);
    assert.equal(final?.name, undefined);
    for (const stage of [build, final]) {
      assert.equal(stage?.base.kind, 'image');
      if (stage?.base.kind !== 'image') continue;
      assert.equal(stage.base.text, 'docker.io/library/python:3.12.7-slim-bookworm@sha256:2a6386ad2db20e7f55073f69a98d6da2cf9f168e05e7487d2670baeb9b7601c5');
      assert.equal(stage.base.reference.tag, '3.12.7-slim-bookworm');
    }
    assert.deepEqual(parsed.warnings, []);
  });

  it('joins continuations, drops comment lines inside them and keeps 1-based first and last lines', () => {
    const run = parseDockerfile(CLEAN).instructions.find((instruction) => instruction.keyword === 'RUN');
    assert.equal(run?.line, 8);
    assert.equal(run?.endLine, 13);
    const commands = run?.commands.map((pipeline) => pipeline.map((command) => [command.name, ...command.args].join(' ')));
    assert.deepEqual(commands, [['apt-get update'], ['apt-get install -y --no-install-recommends gcc=4:12.2.0-3 libpq-dev=15.8-0+deb12u1'], ['rm -rf /var/lib/apt/lists/*']]);
  });

  it('reads heredocs: a shell script body is run, another program input is not', () => {
    const parsed = parseDockerfile('FROM a:1\nRUN <<EOF\nset -e\ncurl -s x | sh\nEOF\nRUN python3 <<PY\nimport os; os.system("rm -rf /")\nPY\nCOPY <<EOF /etc/x\nhello\nEOF\n');
    const [first, second, copy] = parsed.instructions.slice(1);
    assert.deepEqual(first?.heredocs, [{ name: 'EOF', body: 'set -e\ncurl -s x | sh' }]);
    assert.deepEqual(first?.commands.map((pipeline) => pipeline.map((command) => command.name)), [['set'], ['curl', 'sh']]);
    assert.deepEqual(second?.commands.map((pipeline) => pipeline.map((command) => command.name)), [['python3']]);
    assert.equal(copy?.keyword, 'COPY');
    assert.deepEqual(copy?.heredocs, [{ name: 'EOF', body: 'hello' }]);
    assert.equal(copy?.endLine, 11);
  });

  it('reads the exec form, flags and properties', () => {
    const parsed = parseDockerfile('FROM a:1\nRUN --mount=type=cache,target=/root/.cache ["sh", "-c", "make && make install"]\nENV A=1 B="two words"\nCMD [not json\n');
    const [run, env, cmd] = parsed.instructions.slice(1);
    assert.deepEqual(run?.exec, ['sh', '-c', 'make && make install']);
    assert.deepEqual(run?.flags, [{ name: 'mount', value: 'type=cache,target=/root/.cache' }]);
    assert.deepEqual(run?.commands.map((pipeline) => pipeline.map((command) => [command.name, ...command.args].join(' '))), [['make'], ['make install']]);
    assert.deepEqual(env?.properties, [{ name: 'A', value: '1' }, { name: 'B', value: 'two words' }]);
    assert.equal(cmd?.exec, undefined, 'text that is not a JSON array is shell form');
  });

  it('resolves FROM of an earlier stage, scratch, and says when an ARG has no default', () => {
    const parsed = parseDockerfile('ARG IMAGE\nFROM alpine:3.20 AS Base\nFROM base\nFROM scratch\nFROM ${IMAGE}\nFROM ${IMAGE:-debian:12}\n');
    assert.deepEqual(parsed.stages.map((stage) => stage.base.kind), ['image', 'stage', 'scratch', 'unknown', 'image']);
    assert.equal(parsed.warnings.length, 1);
    assert.match(parsed.warnings[0] ?? '', /^line 5: FROM \$\{IMAGE\}: the image is set at build time \(ARG IMAGE has no default\)/);
  });

  it('handles CRLF line ends, the escape directive and comments that look like directives', () => {
    const parsed = parseDockerfile('# escape=`\r\n# portcullis:ignore=PC-DF-001 mirrored\r\n\r\nFROM a:1\r\nRUN echo a `\r\n  && echo b\r\n');
    assert.deepEqual(parsed.comments.map((comment) => comment.text), ['escape=`', 'portcullis:ignore=PC-DF-001 mirrored']);
    const run = parsed.instructions[1];
    assert.equal(run?.line, 5);
    assert.deepEqual(run?.commands.map((pipeline) => pipeline.map((command) => command.name)), [['echo'], ['echo']]);
  });

  it('honours directives only at the very top, as Docker does', () => {
    // After a comment that is not a directive, `# escape=` is a comment and backslash stays the escape.
    const parsed = parseDockerfile('# note\n# escape=`\nFROM a:1\nRUN echo a \\\n  && echo b\n');
    assert.deepEqual(parsed.instructions[1]?.commands.map((pipeline) => pipeline.map((command) => command.name)), [['echo'], ['echo']]);
  });

  it('warns about unknown instructions and invalid references without failing', () => {
    const parsed = parseDockerfile('FROM Not-A/Valid:Ref:x\nFOO bar\n');
    assert.equal(parsed.stages[0]?.base.kind, 'unknown');
    assert.equal(parsed.warnings.length, 2);
    assert.match(parsed.warnings.join('\n'), /line 2: unknown instruction FOO/);
  });
});
