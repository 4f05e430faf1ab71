// The HTML page of `render --format html`, end to end in headless Chromium (Debian's `chromium`,
// driven by playwright-core): it opens from a file with no network, shows the violated property,
// steps through the trace with the keyboard, and highlights what each step changed. A screenshot is
// kept under test-output/. Run by `npm run test:browser` (and by .ci/run).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, ROOT, tempDir } from '../helpers/cli.ts';

const FILE = join(ROOT, 'counterexamples/sva--sva-small--baseline--sva-cd-ownership.json');
const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
let browser: Browser;

beforeAll(async () => {
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
});
afterAll(async () => {
  await browser?.close();
});

describe('the HTML trace viewer in a browser', () => {
  it('shows the property, steps through the trace with the keyboard, and highlights each change', async () => {
    const html = (await cli(['render', FILE, '--format', 'html'])).out;
    const page = join(tempDir(), 'trace.html');
    writeFileSync(page, html);
    const tab = await browser.newPage();
    const requests: string[] = [];
    tab.on('request', (r) => {
      if (!r.url().startsWith('file:')) requests.push(r.url());
    });
    await tab.goto(pathToFileURL(page).href);
    await expect.poll(() => tab.textContent('#property')).toContain('invariant sva-cd-ownership violated');
    // It opens at the violating step, the last one.
    expect(await tab.textContent('#steps li.current')).toMatch(/^38\. exit_mmap\[0\] arm_smmu_mm_release/);
    await tab.keyboard.press('ArrowLeft');
    expect(await tab.textContent('#steps li.current')).toMatch(/^37\. /);
    // What step 37 changed is highlighted, with its value before.
    const changed = await tab.$$eval('#state div.changed', (ds) => ds.map((d) => d.textContent ?? ''));
    expect(changed.length).toBeGreaterThan(0);
    expect(changed.every((t) => t.includes('(was '))).toBe(true);
    await tab.keyboard.press('Home');
    expect(await tab.textContent('#steps li.current')).toBe('0. initial state');
    expect(await tab.$$('#state div.changed')).toHaveLength(0);
    await tab.keyboard.press('j');
    expect(await tab.textContent('#steps li.current')).toMatch(/^1\. /);
    // The diagram follows the selection.
    expect(await tab.getAttribute('svg .step.current', 'data-step')).toBe('1');
    await tab.keyboard.press('End');
    expect(await tab.getAttribute('svg .step.current', 'data-step')).toBe('38');
    expect(requests).toEqual([]);
    mkdirSync(join(ROOT, 'test-output'), { recursive: true });
    await tab.screenshot({ path: join(ROOT, 'test-output/html-viewer.png'), fullPage: true });
    await tab.close();
  });
});
