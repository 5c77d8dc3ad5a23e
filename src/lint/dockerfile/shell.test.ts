import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { commandPipelines, shellPipelines } from './shell.ts';

function names(script: string): string[][] {
  return shellPipelines(script).map((pipeline) => pipeline.map((command) => [...command.wrappers, command.name, ...command.args].join(' ')));
}

describe('shellPipelines', () => {
  it('splits on separators and pipes, dropping assignments, redirections and shell keywords', () => {
    assert.deepEqual(names('DEBIAN_FRONTEND=noninteractive apt-get update >/dev/null 2>&1 && if true; then curl -s x | sh; fi'), [
      ['apt-get update'],
      ['true'],
      ['curl -s x', 'sh'],
    ]);
  });

  it('records wrappers and skips their options', () => {
    assert.deepEqual(names('sudo -u app env A=1 /usr/bin/make install'), [['sudo env make install']]);
  });

  it('opens sh -c scripts, with a bounded depth', () => {
    assert.deepEqual(names(`bash -lc 'cd /x && make'`), [['cd /x'], ['make']]);
    const deep = `sh -c "sh -c \\"sh -c 'sh -c \\\\\\"sh -c \\\\\\\\\\\\\\"echo hi\\\\\\\\\\\\\\"\\\\\\"'\\""`;
    assert.ok(names(deep).length >= 1);
  });

  it('keeps variables and globs as text and survives unbalanced quotes', () => {
    assert.deepEqual(names('rm -rf /var/lib/apt/lists/* $HOME/.cache'), [['rm -rf /var/lib/apt/lists/* $HOME/.cache']]);
    assert.deepEqual(names('echo "unterminated'), [['echo unterminated']]);
  });

  it('reads an exec-form argv', () => {
    assert.deepEqual(commandPipelines(['/bin/sh', '-c', 'a | b']).map((pipeline) => pipeline.map((command) => command.name)), [['a', 'b']]);
    assert.deepEqual(commandPipelines(['make', 'install']).map((pipeline) => pipeline.map((command) => command.name)), [['make']]);
    assert.deepEqual(commandPipelines([]), []);
  });
});
