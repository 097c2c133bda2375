// Run All on the Korean chapters that hold a Telnet console (03) and a ConfigEditor (07), in a real
// JupyterLab with Debian's chromium: after the last cell (which stops the mail host) both widgets
// are still on the page, speak Korean, and answer their buttons. Screenshots go to artifacts/.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  ARTIFACTS, UI_TESTS, labextensionLine, launchBrowser, skipReason, startLab, stopLab,
  shutdownKernels, waitForIdleKernel
} from './lab.mjs';

const COURSE = path.resolve(UI_TESTS, '..', 'notebooks', 'ko');
const reason = (await skipReason()) ?? (fs.existsSync(COURSE) ? null : 'no notebooks/ko');

describe('course widgets after Run All', { skip: reason ?? false, timeout: 240000 }, () => {
  let lab;
  let browser;

  before(async () => {
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    assert.ok(labextensionLine(), 'the mailkit lab extension is not installed in the Jupyter on PATH');
    lab = await startLab([COURSE]);
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    if (lab) {
      await stopLab(lab, path.join(ARTIFACTS, 'jupyter-course-widgets.log'));
    }
  });

  /** Opens ko/NAME without its saved outputs, runs every cell and waits until each one ran. */
  async function runAll(name) {
    await shutdownKernels(lab);
    const served = path.join(lab.serve, 'ko', name);
    const nb = JSON.parse(fs.readFileSync(served, 'utf8'));
    for (const cell of nb.cells.filter(c => c.cell_type === 'code')) {
      cell.outputs = [];
      cell.execution_count = null;
    }
    fs.writeFileSync(served, JSON.stringify(nb));
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    page.setDefaultTimeout(20000);
    await page.goto(`${lab.url}lab/tree/ko/${name}?reset`);
    await page.locator('.jp-NotebookPanel .jp-Notebook').first().waitFor();
    await waitForIdleKernel(lab);
    await page.locator('.lm-MenuBar-item', { hasText: /^Run$/ }).click();
    await page.locator('.lm-Menu-itemLabel', { hasText: /^Run All Cells$/ }).click();
    const allRan = () => Array.from(document.querySelectorAll('.jp-CodeCell .jp-InputArea-prompt'))
      .every(p => /^\[\d+\]:$/.test(p.textContent.trim()));
    await page.waitForFunction(allRan, null, { timeout: 90000 });
    return page;
  }

  test('opening a chapter does not mark it modified', async () => {
    const names = fs.readdirSync(COURSE).filter(n => n.endsWith('.ipynb')).sort();
    assert.ok(names.length >= 13, `chapters: ${names}`);
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    page.setDefaultTimeout(20000);
    try {
      for (const name of names) {
        await page.goto(`${lab.url}lab/tree/ko/${name}?reset`);
        await page.locator('.jp-NotebookPanel .jp-Notebook .jp-Cell').first().waitFor();
        await waitForIdleKernel(lab);
        await page.waitForTimeout(500); // a late model change (a widget, a cell id) would show by now
        const dirty = await page.locator('.lm-TabBar-tab.jp-mod-dirty').count();
        if (dirty) {
          await page.screenshot({ path: path.join(ARTIFACTS, `course-dirty-${name}.png`) });
        }
        assert.equal(dirty, 0, `${name} is marked modified just by opening it`);
        await shutdownKernels(lab);
      }
    } finally {
      await page.close();
    }
  });

  test('03: the Telnet console is still there, in Korean, and its buttons work', async () => {
    const page = await runAll('03-telnet-by-hand.ipynb');
    try {
      const screen = page.locator('pre.mk-telnet').first();
      await screen.waitFor();
      await screen.scrollIntoViewIfNeeded();
      assert.match(await screen.textContent(), /220 localhost\.localdomain ESMTP Sendmail 8\.17\.1\.9/);
      const widget = page.locator('.jp-OutputArea-output .widget-vbox', { has: screen }).first();
      for (const label of ['보내기', '끊기', '다시 연결']) {
        await widget.locator('.widget-button', { hasText: label }).first().waitFor();
      }
      // the last cell stopped the host: the console says the connection closed, and Reconnect tries again
      await page.waitForFunction(el => /Connection closed by foreign host\./.test(el.textContent),
        await screen.elementHandle());
      const before = (await screen.textContent()).match(/Trying /g).length;
      // the button comes alive just after the "closed" line; a click before that is not taken
      const reconnect = widget.locator('.widget-button:not([disabled])', { hasText: '다시 연결' }).first();
      let tried = false;
      for (let attempt = 0; attempt < 3 && !tried; attempt++) {
        await reconnect.click();
        tried = await page.waitForFunction(([el, n]) => (el.textContent.match(/Trying /g) || []).length > n,
          [await screen.elementHandle(), before], { timeout: 10000 }).then(() => true, () => false);
      }
      if (!tried) {
        await page.screenshot({ path: path.join(ARTIFACTS, 'course-telnet-failed.png') });
        assert.fail(`Reconnect did not try again: ${await screen.textContent()}`);
      }
      await widget.screenshot({ path: path.join(ARTIFACTS, 'course-telnet.png') });
    } finally {
      await page.close();
    }
  });

  test('07: the ConfigEditor shows the access tab its cell applied, in Korean, with the makemap log', async () => {
    const page = await runAll('07-access-and-makemap.ipynb');
    try {
      const tabs = page.locator('.jp-OutputArea-output .widget-tab').first();
      await tabs.waitFor();
      await tabs.scrollIntoViewIfNeeded();
      const titles = await tabs.locator('.lm-TabBar-tab').allTextContents();
      assert.ok(titles.some(t => t.includes('sendmail.cf 옵션')), `tab titles: ${titles}`);
      assert.equal((await tabs.locator('.lm-TabBar-tab.lm-mod-current').textContent()).trim(), 'access');
      const log = page.locator('.jp-OutputArea-output .widget-vbox pre').filter({ hasText: 'makemap' }).first();
      assert.match(await log.textContent(), /# makemap hash \/etc\/mail\/access < \/etc\/mail\/access/);
      await tabs.locator('.widget-button:visible', { hasText: '적용' }).first().waitFor();
      await tabs.locator('xpath=..').screenshot({ path: path.join(ARTIFACTS, 'course-config-editor.png') });
    } finally {
      await page.close();
    }
  });
});

if (reason) {
  console.log(`# course widget ui-tests skipped: ${reason}`);
}
