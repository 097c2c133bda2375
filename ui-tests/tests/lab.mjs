// Starts a real `jupyter lab` in a temporary root and Debian's chromium through playwright-core,
// and stops both. Nothing is downloaded: the browser is the system's.

import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const HERE = path.dirname(fileURLToPath(import.meta.url));
export const UI_TESTS = path.resolve(HERE, '..');
export const ARTIFACTS = path.join(UI_TESTS, 'artifacts');
export const CHROMIUM = process.env.MAILKIT_CHROMIUM || '/usr/bin/chromium';

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-dev-shm-usage',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync'
];

/** Why these tests cannot run here, or null when they can. */
export async function skipReason() {
  if (!fs.existsSync(CHROMIUM)) {
    return `no chromium at ${CHROMIUM} (apt-get install chromium, or set MAILKIT_CHROMIUM)`;
  }
  if (spawnSync('jupyter', ['--version'], { stdio: 'ignore' }).status !== 0) {
    return 'no `jupyter` on PATH (pip install -e ".[test]")';
  }
  try {
    await import('playwright-core');
  } catch {
    return 'playwright-core is not installed (npm ci in ui-tests/)';
  }
  return null;
}

/** The mailkit line of `jupyter labextension list`, or null when the extension is absent. */
export function labextensionLine() {
  const r = spawnSync('jupyter', ['labextension', 'list'], { encoding: 'utf8' });
  const text = (r.stdout || '') + (r.stderr || '');
  // eslint-disable-next-line no-control-regex
  const line = text.replace(/\x1b\[[0-9;]*m/g, '').split('\n').find(l => /^\s*mailkit v/.test(l));
  return line ? line.trim() : null;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

async function waitForServer(url, proc, log, timeoutMs) {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (proc.exitCode !== null) {
      throw new Error(`jupyter lab exited with ${proc.exitCode}:\n${fs.readFileSync(log, 'utf8')}`);
    }
    try {
      const res = await fetch(`${url}api/status`);
      if (res.ok) {
        return;
      }
    } catch {
      // not listening yet
    }
    await new Promise(r => setTimeout(r, 250));
  }
  throw new Error(`jupyter lab did not answer within ${timeoutMs} ms:\n${fs.readFileSync(log, 'utf8')}`);
}

/**
 * A jupyter lab serving a temporary root that holds copies of `notebooks` (files or folders), with its own
 * settings (no news pop-up), workspaces and mail-host world, token disabled.
 */
export async function startLab(notebooks) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mailkit-ui-'));
  const serve = path.join(root, 'serve');
  fs.mkdirSync(serve);
  for (const src of notebooks) {
    fs.cpSync(src, path.join(serve, path.basename(src)), { recursive: true });
  }
  const settings = path.join(root, 'settings', '@jupyterlab', 'apputils-extension');
  fs.mkdirSync(settings, { recursive: true });
  fs.writeFileSync(path.join(settings, 'notification.jupyterlab-settings'), '{"fetchNews": "false", "checkForUpdates": false}');
  const world = path.join(root, 'world');
  const port = await freePort();
  const args = [
    'lab', '--no-browser', `--ServerApp.port=${port}`, '--ServerApp.port_retries=0',
    '--ServerApp.ip=127.0.0.1', `--ServerApp.root_dir=${serve}`, '--IdentityProvider.token=',
    '--ServerApp.password=', '--ServerApp.disable_check_xsrf=True', '--LabApp.news_url=None'
  ];
  if (process.getuid && process.getuid() === 0) {
    args.push('--allow-root');
  }
  const log = path.join(root, 'jupyter.log');
  const out = fs.openSync(log, 'w');
  const proc = spawn('jupyter', args, {
    cwd: serve,
    stdio: ['ignore', out, out],
    env: {
      ...process.env,
      JUPYTERLAB_SETTINGS_DIR: path.join(root, 'settings'),
      JUPYTERLAB_WORKSPACES_DIR: path.join(root, 'workspaces'),
      JUPYTER_RUNTIME_DIR: path.join(root, 'runtime'),
      MAILKIT_WORLD: world,
      MAILKIT_CLOCK: 'fixed'
    }
  });
  const url = `http://127.0.0.1:${port}/`;
  const lab = { proc, url, root, serve, world, log };
  try {
    await waitForServer(url, proc, log, 60000);
  } catch (err) {
    await stopLab(lab);
    throw err;
  }
  return lab;
}

/** Stops the server (which shuts its kernels down) and removes the temporary root. */
export async function stopLab(lab, keepLogAs) {
  const { proc } = lab;
  if (proc.exitCode === null) {
    const exited = new Promise(r => proc.once('exit', r));
    proc.kill('SIGTERM');
    const timer = setTimeout(() => proc.exitCode === null && proc.kill('SIGKILL'), 10000);
    await exited;
    clearTimeout(timer);
  }
  if (keepLogAs && fs.existsSync(lab.log)) {
    fs.mkdirSync(path.dirname(keepLogAs), { recursive: true });
    fs.copyFileSync(lab.log, keepLogAs);
  }
  fs.rmSync(lab.root, { recursive: true, force: true });
}

/** Waits until the server has a kernel that a browser tab is connected to and that is idle. */
export async function waitForIdleKernel(lab, timeoutMs = 60000) {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const kernels = await (await fetch(`${lab.url}api/kernels`)).json();
    if (kernels.some(k => k.execution_state === 'idle' && k.connections > 0)) {
      return;
    }
    await new Promise(r => setTimeout(r, 250));
  }
  throw new Error(`no idle, connected kernel within ${timeoutMs} ms`);
}

/** Shuts every kernel of the server down (the next notebook then starts from a quiet host). */
export async function shutdownKernels(lab) {
  const kernels = await (await fetch(`${lab.url}api/kernels`)).json();
  for (const k of kernels) {
    await fetch(`${lab.url}api/kernels/${k.id}`, { method: 'DELETE' });
  }
}

export async function launchBrowser() {
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}
