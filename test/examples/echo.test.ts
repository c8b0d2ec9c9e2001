// examples/echo: the app picks its runtime from --runtime or RUNTIME and does one round trip on it.
import { expect } from 'chai';
import { runApp } from './run-app.js';

const APP = 'examples/echo/dist/src/main.js';

describe('examples/echo', function () {
  this.timeout(60_000);

  for (const runtime of ['node', 'local', 'worksteal']) {
    it(`should echo a message on the ${runtime} runtime chosen by --runtime, and exit 0 by itself`, async () => {
      const run = await runApp(APP, ['--runtime', runtime]);
      expect(run.code, run.stderr).to.equal(0);
      expect(run.stdout).to.contain(`sent:     hello from the ${runtime} runtime\n`);
      expect(run.stdout).to.contain(`received: hello from the ${runtime} runtime\n`);
    });
  }

  it('should take the runtime from the RUNTIME environment variable', async () => {
    const run = await runApp(APP, [], { RUNTIME: 'local' });
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout).to.contain('received: hello from the local runtime');
  });

  it('should fail with a message listing the valid names for an unknown runtime', async () => {
    const run = await runApp(APP, ['--runtime', 'tokio']);
    expect(run.code).to.not.equal(0);
    expect(run.stderr).to.contain(`name must be one of 'node', 'local', 'worksteal', got "tokio"`);
  });
});
