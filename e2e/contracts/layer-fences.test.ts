// The lint fence between the layers (eslint.config.js, ARCHITECTURE.md §1), checked on the imports that matter: the
// renderer may run the pure protocol (the view contract's state included) and see the host only by `import type`.
// Round five's demo host imported the host's ViewState at run time through a per-file exception; that exception is
// gone, so the same import must now be an error.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ESLint } from 'eslint';

const eslint = new ESLint();

/** The restricted-import messages lint gives `code` as if it were the file at `filePath`. */
async function fenceErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result!.messages.filter((m) => m.ruleId === '@typescript-eslint/no-restricted-imports').map((m) => m.message);
}

test('the renderer runs the pure view state; a run-time import from the host is flagged, in every renderer file', async () => {
  for (const file of ['renderer/host/demo-host-api.ts', 'renderer/main.ts']) {
    const up = file.split('/').length - 1;
    const root = '../'.repeat(up);
    assert.deepEqual(await fenceErrors(file,
      `import { ViewState } from '${root}node-runtime/protocol/view-state.ts';\nexport const v = new ViewState(Date.now);\n`), [], file);
    assert.deepEqual(await fenceErrors(file,
      `import type { HostApi } from '${root}electron/host/api.ts';\nexport type H = HostApi;\n`), [], file);
    for (const hostFile of ['view-state.ts', 'host.ts']) {
      const errors = await fenceErrors(file, `import { X } from '${root}electron/host/${hostFile}';\nexport const x = X;\n`);
      assert.equal(errors.length, 1, `${file} → ${hostFile}: ${errors.join('; ')}`);
      assert.match(errors[0]!, /only through `import type`/);
    }
  }
});

test('the protocol, view state included, imports nothing above it', async () => {
  const errors = await fenceErrors('node-runtime/protocol/view-state.ts',
    "import type { HostApi } from '../../electron/host/api.ts';\nexport type H = HostApi;\n");
  assert.equal(errors.length, 1, errors.join('; '));
});
