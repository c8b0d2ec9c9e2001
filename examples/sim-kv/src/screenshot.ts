// Takes the README's screenshot of a viewer page (the whole run) in headless Chromium: node dist/src/screenshot.js run.html shot.png
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import { chromium } from 'playwright-core';

const [page, out] = process.argv.slice(2);
if (!page || !out) throw new TypeError('usage: screenshot.js <page.html> <out.png>');
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
try {
  const tab = await browser.newPage({ viewport: { width: 1400, height: 560 } });
  await tab.goto(pathToFileURL(resolve(page)).href);
  await tab.screenshot({ path: out, fullPage: true });
} finally {
  await browser.close();
}
