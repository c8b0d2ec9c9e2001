// Runs the local runtime's conformance suite in headless Chromium, bundled (esbuild) and unbundled (an import map over dist/), cross-origin isolated.
//
// usage: node scripts/engines/browser.mjs <out-dir>    writes chromium-bundled-local.json and chromium-unbundled-local.json
// A tiny server on 127.0.0.1 serves the repository with the COOP/COEP headers that make a page
// cross-origin isolated (SharedArrayBuffer), and playwright-core drives Debian's Chromium.
import { createServer } from 'node:http';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';

const root = fileURLToPath(new URL('../..', import.meta.url));
const outDir = process.argv[2] ?? join(root, '.cache', 'ci');
const cacheDir = join(root, '.cache', 'browser');
mkdirSync(outDir, { recursive: true });
mkdirSync(cacheDir, { recursive: true });

const TYPES = { '.js': 'text/javascript', '.mjs': 'text/javascript', '.html': 'text/html', '.json': 'application/json', '.map': 'application/json' };
const importMap = {
  imports: {
    '@runtime-traits/core': '/packages/core/dist/src/index.js',
    '@runtime-traits/core/kit': '/packages/core/dist/src/kit/index.js',
    '@runtime-traits/kit': '/packages/kit/dist/src/index.js',
    '@runtime-traits/local': '/packages/local/dist/src/index.js',
    '@runtime-traits/conformance/browser': '/packages/conformance/dist/src/browser.js',
    chai: '/node_modules/chai/index.js',
  },
};

const page = (script) => `<!doctype html><meta charset="utf-8"><title>conformance</title>
<script src="/node_modules/mocha/mocha.js"></script>
<script type="importmap">${JSON.stringify(importMap)}</script>
<script type="module" src="${script}"></script>`;

await build({
  entryPoints: [join(root, 'scripts/engines/browser-entry.js')],
  bundle: true, format: 'esm', platform: 'browser', target: 'es2022', outfile: join(cacheDir, 'bundle.js'), logLevel: 'warning',
});
const pages = { '/bundled.html': page('/.cache/browser/bundle.js'), '/unbundled.html': page('/scripts/engines/browser-entry.js') };

const server = createServer((request, response) => {
  const path = new URL(request.url, 'http://127.0.0.1').pathname;
  const headers = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp', 'Cache-Control': 'no-store' };
  if (pages[path]) {
    response.writeHead(200, { ...headers, 'Content-Type': 'text/html' }).end(pages[path]);
    return;
  }
  const file = normalize(join(root, path));
  if (!file.startsWith(root)) { response.writeHead(403).end(); return; }
  try {
    const body = readFileSync(file);
    response.writeHead(200, { ...headers, 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(body);
  } catch {
    response.writeHead(404, headers).end();
  }
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const origin = `http://127.0.0.1:${server.address().port}`;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
});
let failed = 0;
try {
  for (const variant of ['bundled', 'unbundled']) {
    const tab = await browser.newPage();
    const errors = [];
    tab.on('pageerror', (error) => errors.push(String(error)));
    await tab.goto(`${origin}/${variant}.html`);
    let report;
    try {
      await tab.waitForFunction(() => window.conformance !== undefined, null, { timeout: 30_000 });
      report = await tab.evaluate(() => window.conformance);
    } catch (error) {
      report = { name: 'local', seconds: 0, passes: 0, failures: 1, pending: 0, failed: [{ title: 'the page', error: `${error.message} ${errors.join('; ')}` }], skipped: [] };
    }
    report.engine = `chromium-${variant}`;
    report.browser = browser.version();
    writeFileSync(join(outDir, `chromium-${variant}-local.json`), JSON.stringify(report, null, 2));
    console.log(`chromium ${browser.version()} ${variant}, local: ${report.passes} passed, ${report.failures} failed, ${report.pending} skipped `
      + `(cross-origin isolated: ${report.crossOriginIsolated}, ${report.seconds?.toFixed(1)} s)`);
    for (const f of report.failed) console.log(`  FAILED ${f.title}: ${f.error}`);
    failed += report.failures;
    await tab.close();
  }
} finally {
  await browser.close();
  server.close();
}
process.exitCode = failed > 0 ? 1 : 0;
