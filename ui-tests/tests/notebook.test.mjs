// Opens ui-tests/notebooks/mailkit-ui.ipynb in a real JupyterLab with Debian's chromium, runs
// every cell, and checks what a learner sees: the SMTP dialogue drawn by mailkit's renderer
// (client and server lines told apart, reply codes explained on hover), the queue table, the
// trace diagram, a delivered message, and the ConfigEditor widget whose Apply runs makemap /
// newaliases on the notebook's mail host. Then sendmail's files open highlighted in the editor.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  ARTIFACTS, UI_TESTS, labextensionLine, launchBrowser, skipReason, startLab, stopLab,
  shutdownKernels, waitForIdleKernel
} from './lab.mjs';

const NOTEBOOK = path.join(UI_TESTS, 'notebooks', 'mailkit-ui.ipynb');
const FILES = ['access', 'sendmail.mc'].map(f => path.join(UI_TESTS, 'files', f));
const COURSE = path.resolve(UI_TESTS, '..', 'notebooks', 'ko');

/** The first course notebook whose saved outputs hold SMTP dialogues, and how many. */
function courseNotebookWithDialogues() {
  if (!fs.existsSync(COURSE)) {
    return null;
  }
  for (const name of fs.readdirSync(COURSE).filter(n => n.endsWith('.ipynb')).sort()) {
    const nb = JSON.parse(fs.readFileSync(path.join(COURSE, name), 'utf8'));
    const dialogues = nb.cells.flatMap(c => c.outputs ?? [])
      .filter(o => o.data && 'application/vnd.mailkit.dialogue+json' in o.data).length;
    if (dialogues > 0) {
      return { name, dialogues };
    }
  }
  return null;
}
const course = courseNotebookWithDialogues();
const reason = await skipReason();

describe('mailkit in JupyterLab', { skip: reason ?? false, timeout: 110000 }, () => {
  let lab;
  let browser;
  let page;
  let extension;

  before(async () => {
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    // Without the extension every renderer check would only time out: fail at once instead.
    extension = labextensionLine();
    assert.ok(extension, 'the mailkit lab extension is not installed in the Jupyter on PATH '
      + '(`jupyter labextension list`); run scripts/setup.sh or `pip install -e .` after building it');
    lab = await startLab([NOTEBOOK, ...FILES, ...(course ? [COURSE] : [])]);
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    page.setDefaultTimeout(20000);
    await page.goto(`${lab.url}lab/tree/${path.basename(NOTEBOOK)}?reset`);
    await page.locator('.jp-NotebookPanel .jp-Notebook').first().waitFor();
    await waitForIdleKernel(lab);
    await page.locator('.jp-Notebook-ExecutionIndicator[data-status="idle"]').waitFor();
    await page.locator('.lm-MenuBar-item', { hasText: /^Run$/ }).click();
    await page.locator('.lm-Menu-itemLabel', { hasText: /^Run All Cells$/ }).click();
    // the widget is the last cell's output: once it is there, every cell has run
    await page.locator('.jp-OutputArea .widget-tab').waitFor({ timeout: 60000 }).catch(async err => {
      const errors = await page.locator('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')
        .allTextContents();
      throw new Error(errors.length
        ? `a cell failed, so Run All stopped:\n${errors.join('\n')}`
        : `the ConfigEditor widget did not render (is jupyterlab_widgets installed?): ${err.message}`);
    });
  });

  after(async () => {
    if (page) {
      await page.screenshot({ path: path.join(ARTIFACTS, 'notebook-end.png') }).catch(() => {});
    }
    await browser?.close();
    if (lab) {
      await stopLab(lab, path.join(ARTIFACTS, 'jupyter.log'));
    }
  });

  test('the extension is installed and enabled', () => {
    assert.match(extension, /^mailkit v\S+ enabled OK/);
  });

  test('the SMTP dialogue renders client and server lines apart, codes explained on hover', async () => {
    const dialogue = page.locator('.mk-dialogue').first();
    await dialogue.waitFor();
    const head = await dialogue.locator('.mk-dialogue-head').textContent();
    assert.equal(head, 'SMTP localhost:25');
    const client = dialogue.locator('.mk-line.mk-client');
    const server = dialogue.locator('.mk-line.mk-server');
    assert.ok((await client.count()) >= 5, 'fewer client lines than typed');
    assert.ok((await server.count()) >= 5, 'fewer server replies than commands');
    assert.match(await client.first().textContent(), /^C:HELO localhost$/);
    assert.match(await server.first().textContent(), /^S:220 /);
    assert.equal(await server.first().getAttribute('title'), '220: Service ready');
    const accepted = server.filter({ hasText: 'Message accepted for delivery' });
    assert.match(await accepted.getAttribute('title'), /^250: /);
    // coloured apart: the two kinds of line do not share their colours
    const style = loc => loc.evaluate(n => {
      const s = getComputedStyle(n);
      return `${s.color}|${s.borderLeftColor}|${s.backgroundColor}`;
    });
    assert.notEqual(await style(client.first()), await style(server.first()));
    await dialogue.screenshot({ path: path.join(ARTIFACTS, 'dialogue.png') });
  });

  test('the queue table shows the deferred message', async () => {
    const table = page.locator('.mk-queue table').first();
    await table.waitFor();
    const rows = table.locator('tbody tr');
    assert.equal(await rows.count(), 1);
    const cells = await rows.first().locator('td').allTextContents();
    assert.equal(cells[3], '<alice@localhost>');
    assert.equal(cells[4], 'bob@example.com');
    assert.match(cells[5], /^Deferred: /);
    assert.match(cells[0], /^[0-9A-Za-z]{14}$/);
  });

  test('the trace diagram shows each agent as a box with its status', async () => {
    const trace = page.locator('.mk-trace').first();
    await trace.waitFor();
    const steps = trace.locator('.mk-trace-step');
    const agents = await steps.evaluateAll(ns => ns.map(n => n.dataset.agent));
    assert.deepEqual(agents.slice(0, 3), ['MUA', 'MTA', 'queue']);
    const status = await steps.evaluateAll(ns => ns.map(n => n.dataset.status));
    assert.deepEqual(status.slice(0, 3), ['ok', 'ok', 'failed']); // deferred in the queue
    assert.ok(status.slice(3).every(s => s === 'pending'), `after the queue: ${status}`);
    assert.equal(await trace.locator('.mk-trace-arrow').count(), agents.length - 1);
    assert.match(await steps.nth(2).locator('.mk-trace-what').textContent(), /Deferred/);
    await trace.screenshot({ path: path.join(ARTIFACTS, 'trace.png') });
  });

  test('sendmail -bt shows the text it printed and the rulesets that ran, with the rules that fired', async () => {
    const view = page.locator('.mk-bt').first();
    await view.waitFor();
    const inputs = await view.locator('.mk-bt-input').allTextContents();
    assert.deepEqual(inputs, ['> 3,0 alice@localhost', '> /parse bob@example.com']);
    assert.match(await view.locator('.mk-bt-output').nth(1).textContent(),
      /mailer esmtp, host example\.com\., user bob@example\.com$/);
    const top = view.locator('.mk-bt-command').first().locator(':scope > .mk-bt-tree > .mk-bt-call');
    assert.deepEqual(await top.evaluateAll(ns => ns.map(n => n.dataset.ruleset)), ['canonify', 'parse']);
    const canonify = top.first();
    assert.equal(await canonify.evaluate(n => n.open), true);
    assert.ok(await canonify.locator('.mk-bt-call[data-ruleset="Canonify2"]').count() === 1);
    assert.ok((await canonify.locator('.mk-bt-lhs').allTextContents()).includes('R$+ @ $+'));
    await view.screenshot({ path: path.join(ARTIFACTS, 'addrtest.png') });
  });

  test('the delivered message shows its summary, headers folded, and body', async () => {
    const message = page.locator('.mk-message').first();
    await message.waitFor();
    assert.equal(await message.locator('.mk-message-head').textContent(), 'Message 1 of /var/spool/mail/bob');
    const details = message.locator('details.mk-message-headers');
    assert.equal(await details.getAttribute('open'), null, 'headers start folded');
    const received = details.locator('th', { hasText: /^Received$/ });
    assert.equal(await received.isVisible(), false);
    await details.locator('summary').click();
    await received.waitFor();
    assert.match(await message.locator('.mk-message-summary').textContent(), /SubjectLunch/);
    assert.equal((await message.locator('.mk-message-body').textContent()).trim(), 'Lunch at noon?');
    await message.screenshot({ path: path.join(ARTIFACTS, 'message.png') });
  });

  async function applyInTab(tabTitle, extraLine) {
    const widget = page.locator('.jp-OutputArea-output .widget-tab').first();
    await widget.locator('.lm-TabBar-tab', { hasText: new RegExp(`^${tabTitle}$`) }).click();
    // the tab switch is not instant: until it is done, the last tab's textarea is the visible one
    await widget.locator('.lm-TabBar-tab.lm-mod-current', { hasText: new RegExp(`^${tabTitle}$`) }).waitFor();
    const area = widget.locator('.widget-tab-contents > :not(.lm-mod-hidden) textarea').first();
    await area.waitFor();
    const before = await area.inputValue();
    await area.fill(`${before.replace(/\n*$/, '\n')}${extraLine}\n`);
    await widget.locator('.widget-button:visible', { hasText: /^Apply$/ }).click();
  }

  test('ConfigEditor: Apply on the access map writes it and runs makemap', async () => {
    await applyInTab('access', 'Connect:10.9.8\t\t\tRELAY');
    const log = page.locator('.jp-OutputArea-output .widget-vbox pre').filter({ hasText: 'makemap' }).first();
    await log.waitFor();
    assert.match(await log.textContent(), /# makemap hash \/etc\/mail\/access < \/etc\/mail\/access/);
    const access = fs.readFileSync(path.join(lab.world, 'etc/mail/access'), 'utf8');
    assert.match(access, /^Connect:10\.9\.8\t+RELAY$/m);
  });

  test('ConfigEditor: Apply on aliases runs newaliases and shows its report', async () => {
    await applyInTab('aliases', 'webmaster:\talice');
    const log = page.locator('.jp-OutputArea-output .widget-vbox pre').filter({ hasText: 'newaliases' }).first();
    await log.waitFor();
    await page.waitForFunction(
      el => /aliases, longest/.test(el.textContent),
      await log.elementHandle()
    );
    assert.match(await log.textContent(), /# newaliases\n\/etc\/aliases: \d+ aliases, longest/);
    const aliases = fs.readFileSync(path.join(lab.world, 'etc/aliases'), 'utf8');
    assert.match(aliases, /^webmaster:\talice$/m);
    await page.screenshot({ path: path.join(ARTIFACTS, 'notebook.png') });
  });

  test('a course notebook runs in the Lab with its dialogues drawn by the renderer', {
    skip: course ? false : 'no course notebook with an SMTP dialogue in notebooks/ko yet'
  }, async () => {
    await shutdownKernels(lab); // the course starts on a host no other kernel is using
    // drop the saved outputs, so every dialogue seen below was drawn from this run
    const served = path.join(lab.serve, 'ko', course.name);
    const nb = JSON.parse(fs.readFileSync(served, 'utf8'));
    for (const cell of nb.cells.filter(c => c.cell_type === 'code')) {
      cell.outputs = [];
      cell.execution_count = null;
    }
    fs.writeFileSync(served, JSON.stringify(nb));
    const tab = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    try {
      tab.setDefaultTimeout(20000);
      await tab.goto(`${lab.url}lab/tree/ko/${course.name}?reset`);
      await tab.locator('.jp-NotebookPanel .jp-Notebook').first().waitFor();
      await waitForIdleKernel(lab);
      await tab.locator('.lm-MenuBar-item', { hasText: /^Run$/ }).click();
      await tab.locator('.lm-Menu-itemLabel', { hasText: /^Run All Cells$/ }).click();
      const dialogues = tab.locator('.mk-dialogue');
      await tab.waitForFunction(
        n => document.querySelectorAll('.mk-dialogue').length >= n, course.dialogues, { timeout: 60000 }
      );
      assert.equal(await dialogues.count(), course.dialogues);
      // every code cell ran: each prompt shows an execution count
      const allRan = () => Array.from(document.querySelectorAll('.jp-CodeCell .jp-InputArea-prompt'))
        .every(p => /^\[\d+\]:$/.test(p.textContent.trim()));
      await tab.waitForFunction(allRan, null, { timeout: 30000 }).catch(async () => {
        const prompts = await tab.locator('.jp-CodeCell .jp-InputArea-prompt').allTextContents();
        assert.fail(`not every cell ran: ${prompts.join(' ')}`);
      });
      assert.equal(await tab.locator('.mk-error').count(), 0, 'a mailkit payload the renderer refused');
      for (let i = 0; i < course.dialogues; i++) {
        assert.ok(await dialogues.nth(i).locator('.mk-line.mk-server[title]').count() > 0);
      }
      // the element shot scrolls the dialogue into view and waits for it to be drawn
      await dialogues.first().screenshot({ path: path.join(ARTIFACTS, 'course-dialogue.png') });
      await tab.screenshot({ path: path.join(ARTIFACTS, 'course.png') });
    } finally {
      await tab.close();
    }
  });

  // The editor: a file named like one of sendmail's opens with mailkit's language (the status
  // bar names it) and its tokens are coloured apart from plain text.
  for (const [file, mode, word] of [['access', 'sendmail-access', 'RELAY'], ['sendmail.mc', 'sendmail.mc', 'FEATURE']]) {
    test(`${file} opens in the editor with ${mode} highlighting`, async () => {
      const editor = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      try {
        editor.setDefaultTimeout(30000);
        await editor.goto(`${lab.url}lab/tree/${file}?reset`);
        const line = editor.locator('.jp-FileEditor .cm-line', { hasText: word }).first();
        await line.waitFor();
        await editor.locator('.jp-StatusBar-Widget', { hasText: mode }).first().waitFor();
        const token = line.locator('span', { hasText: new RegExp(`^${word}$`) }).first();
        await token.waitFor();
        const colour = loc => loc.evaluate(n => getComputedStyle(n).color);
        assert.notEqual(await colour(token), await colour(line));
        await editor.screenshot({ path: path.join(ARTIFACTS, `editor-${file}.png`) });
      } finally {
        await editor.close();
      }
    });
  }
});

if (reason) {
  console.log(`# ui-tests skipped: ${reason}`);
}
