// The trace viewer in headless Chromium (Debian's chromium through playwright-core): loads cleanly, draws what the trace holds, zooms.
import { expect } from 'chai';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { readTrace, renderPage } from '../src/index.js';
import { timelyEcho } from './fixtures/scenarios.js';
import { observeSimulations, type Simulation } from '@runtime-traits/local';

const CHROMIUM = '/usr/bin/chromium';
const dir = mkdtempSync(join(tmpdir(), 'simtest-view-'));

/** The trace of a failing run of the echo scenario: a partition long enough to break `always`. */
async function failingTrace(): Promise<string[]> {
  const sims: Simulation[] = [];
  const stop = observeSimulations((sim) => sims.push(sim));
  await timelyEcho(5, { faults: [{ at: 0, kind: 'partition', a: 'server', b: 'client' }, { at: 3500, kind: 'repair', a: 'server', b: 'client' }] })
    .then(() => { throw new Error('expected the run to fail'); }, (e: Error) => expect(e.name).to.equal('SimAssertionError'));
  stop();
  return sims[0]!.trace();
}

describe('the trace viewer page', function () {
  this.timeout(60_000);
  let browser: Browser;

  before(async function () {
    if (!existsSync(CHROMIUM)) this.skip(); // capability: a chromium binary at /usr/bin/chromium (CI installs it in .ci/run)
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  });
  after(async () => { await browser?.close(); });

  it('should load without console errors and draw one lane per host, one arrow per message, the faults and the failure', async () => {
    const trace = await failingTrace();
    const model = readTrace(trace);
    const expectedArrows = trace.filter((l) => / received \d+ bytes from \S+ sent /.test(l)).length;
    expect(expectedArrows).to.be.greaterThan(0);
    const file = join(dir, 'run.html');
    writeFileSync(file, renderPage(model, 'echo seed 5'));
    const page = await browser.newPage({ viewport: { width: 1200, height: 500 } });
    const problems: string[] = [];
    page.on('console', (msg) => { if (msg.type() === 'error' || msg.type() === 'warning') problems.push(msg.text()); });
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('request', (req) => { if (!req.url().startsWith('file:')) problems.push(`network request: ${req.url()}`); });
    await page.goto(pathToFileURL(file).href);
    expect(problems).to.deep.equal([]);
    expect(await page.locator('g.lane').count()).to.equal(2);
    expect(await page.locator('g.lane text').allTextContents()).to.deep.equal(['server', 'client']);
    expect(await page.locator('line.arrow').count()).to.equal(expectedArrows);
    expect(await page.locator('g.fault').count()).to.equal(2);
    expect(await page.locator('g.fault-partition').count()).to.equal(1);
    expect(await page.locator('rect.span').count()).to.equal(model.tasks.length);
    expect(await page.locator('line.failure-mark').count()).to.equal(1);
    expect(await page.locator('#failure').textContent()).to.include('replies come within 3 s');

    // Zoom: the plot scales around the centre, "fit" restores it.
    const width = async () => {
      const xs = await page.locator('line.arrow').evaluateAll((lines) => lines.map((l) => Number(l.getAttribute('x1'))));
      return Math.max(...xs) - Math.min(...xs);
    };
    const before = await width();
    await page.click('#zoom-in');
    expect(await page.locator('#zoom-level').textContent()).to.match(/^2\.00x/);
    expect(await width()).to.be.closeTo(before * 2, 1);
    await page.click('#zoom-fit');
    expect(await width()).to.be.closeTo(before, 0.01);
    await page.click('#goto-failure');
    expect(await page.locator('#zoom-level').textContent()).to.match(/^8\.00x/);
    expect(problems).to.deep.equal([]);
    await page.close();
  });

  it('should escape what the trace says rather than run it', async () => {
    const trace = ['0 a HOST 10.0.0.2', '0 b HOST 10.0.0.3', '5 ALWAYS FAILED x: </script><script>window.pwned=1</script>', '9 b #1 received 3 bytes from a sent 4'];
    const file = join(dir, 'hostile.html');
    writeFileSync(file, renderPage(readTrace(trace), '<b>title</b>'));
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    await page.goto(pathToFileURL(file).href);
    expect(await page.evaluate(() => (window as { pwned?: number }).pwned)).to.equal(undefined);
    expect(await page.locator('#failure').textContent()).to.include('</script><script>window.pwned=1</script>');
    expect(await page.locator('h1').textContent()).to.equal('<b>title</b>');
    expect(await page.locator('line.arrow').count()).to.equal(1);
    expect(problems).to.deep.equal([]);
    await page.close();
  });
});
