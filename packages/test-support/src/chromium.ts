// Open a page in the system's headless Chromium (Debian package `chromium`) and talk to it over the
// DevTools protocol on a pipe (--remote-debugging-pipe: NUL-separated JSON on fds 3 and 4), so no
// WebSocket client or browser-automation package is needed: collect console errors and uncaught
// exceptions, evaluate an expression, and take a full-page screenshot.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';

export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
export const chromiumAvailable = (): boolean => existsSync(CHROMIUM);

export interface PageResult {
  /** Console errors, uncaught exceptions and error log entries (CSP violations, failed loads). */
  errors: string[];
  /** PNG of the whole page. */
  screenshot: Buffer;
  /** The value of `evaluate`, returned by value. */
  value: unknown;
}

interface Message {
  id?: number;
  method?: string;
  params?: Record<string, unknown>;
  result?: Record<string, unknown>;
  error?: { message: string };
  sessionId?: string;
}

// The flags the Debian package needs in a container, and none of the background traffic.
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--hide-scrollbars',
  '--remote-debugging-pipe',
];

/** Load `url`, wait for its load event, and report what the page did. */
export async function openInChromium(
  url: string,
  options: { width?: number; evaluate?: string; timeoutMs?: number; selector?: string } = {},
): Promise<PageResult> {
  const profile = await mkdtemp(join(tmpdir(), 'dqa-chromium-'));
  const child = spawn(CHROMIUM, [...FLAGS, `--user-data-dir=${profile}`, 'about:blank'], {
    stdio: ['ignore', 'ignore', 'ignore', 'pipe', 'pipe'],
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000);
  try {
    const cdp = connect(child);
    const { targetId } = await cdp.send('Target.createTarget', { url: 'about:blank' });
    const { sessionId } = await cdp.send('Target.attachToTarget', { targetId, flatten: true });
    const session = sessionId as string;
    const errors: string[] = [];
    cdp.onEvent((message) => {
      if (message.sessionId !== session) return;
      const p = message.params ?? {};
      if (message.method === 'Runtime.exceptionThrown') {
        const details = p.exceptionDetails as { text?: string; exception?: { description?: string } };
        errors.push(`exception: ${details.exception?.description ?? details.text}`);
      } else if (
        message.method === 'Runtime.consoleAPICalled' &&
        ['error', 'assert'].includes(p.type as string)
      ) {
        errors.push(`console.${p.type}: ${JSON.stringify(p.args)}`);
      } else if (message.method === 'Log.entryAdded') {
        const entry = p.entry as { level: string; text: string; source: string };
        if (entry.level === 'error') errors.push(`${entry.source}: ${entry.text}`);
      }
    });
    for (const domain of ['Page', 'Runtime', 'Log']) await cdp.send(`${domain}.enable`, {}, session);
    const width = options.width ?? 1100;
    await cdp.send(
      'Emulation.setDeviceMetricsOverride',
      { width, height: 900, deviceScaleFactor: 1, mobile: false },
      session,
    );
    const loaded = cdp.waitFor('Page.loadEventFired', session);
    await cdp.send('Page.navigate', { url }, session);
    await loaded;
    let value: unknown;
    if (options.evaluate) {
      const evaluated = await cdp.send(
        'Runtime.evaluate',
        { expression: options.evaluate, returnByValue: true },
        session,
      );
      value = (evaluated.result as { value?: unknown }).value;
    }
    const metrics = await cdp.send('Page.getLayoutMetrics', {}, session);
    const size = metrics.cssContentSize as { width: number; height: number };
    let clip = { x: 0, y: 0, width, height: Math.ceil(size.height), scale: 1 };
    if (options.selector) {
      // Only the element's box: a close-up of one part of a long page.
      const box = await cdp.send(
        'Runtime.evaluate',
        {
          expression: `(() => { const r = document.querySelector(${JSON.stringify(options.selector)}).getBoundingClientRect();
            return { x: r.x + scrollX, y: r.y + scrollY, width: r.width, height: r.height }; })()`,
          returnByValue: true,
        },
        session,
      );
      clip = { ...(box.result as { value: typeof clip }).value, scale: 1 };
    }
    const shot = await cdp.send(
      'Page.captureScreenshot',
      { format: 'png', captureBeyondViewport: true, clip },
      session,
    );
    await cdp.send('Browser.close', {}).catch(() => undefined);
    return { errors, screenshot: Buffer.from(shot.data as string, 'base64'), value };
  } finally {
    clearTimeout(timer);
    if (child.exitCode === null && child.signalCode === null) {
      // Browser.close lets Chromium end its own helper processes; a SIGKILL at once would orphan
      // them, still writing into the profile while it is removed (ENOTEMPTY, seen in CI).
      const closed = new Promise((resolve) => child.once('close', resolve));
      const grace = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await closed;
      clearTimeout(grace);
    }
    // A helper process that outlived the browser may still add a file: rm retries ENOTEMPTY.
    await rm(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
  }
}

function connect(child: ChildProcess) {
  const input = child.stdio[3] as Writable;
  const output = child.stdio[4] as Readable;
  const pending = new Map<number, { resolve(r: Record<string, unknown>): void; reject(e: Error): void }>();
  const listeners = new Set<(message: Message) => void>();
  let nextId = 1;
  let buffered = '';
  const failAll = (error: Error) => {
    for (const waiter of pending.values()) waiter.reject(error);
    pending.clear();
  };
  child.once('close', (code, signal) => failAll(new Error(`chromium ended (${code ?? signal})`)));
  output.on('data', (chunk: Buffer) => {
    buffered += chunk.toString('utf8');
    for (let end = buffered.indexOf('\0'); end >= 0; end = buffered.indexOf('\0')) {
      const message = JSON.parse(buffered.slice(0, end)) as Message;
      buffered = buffered.slice(end + 1);
      if (message.id !== undefined) {
        const waiter = pending.get(message.id);
        pending.delete(message.id);
        if (message.error) waiter?.reject(new Error(message.error.message));
        else waiter?.resolve(message.result ?? {});
      } else {
        for (const listener of listeners) listener(message);
      }
    }
  });
  return {
    send(method: string, params: Record<string, unknown>, sessionId?: string) {
      const id = nextId++;
      input.write(`${JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) })}\0`);
      return new Promise<Record<string, unknown>>((resolve, reject) => pending.set(id, { resolve, reject }));
    },
    onEvent(listener: (message: Message) => void) {
      listeners.add(listener);
    },
    waitFor(method: string, sessionId: string) {
      return new Promise<void>((resolve) => {
        const listener = (message: Message) => {
          if (message.method === method && message.sessionId === sessionId) {
            listeners.delete(listener);
            resolve();
          }
        };
        listeners.add(listener);
      });
    },
  };
}
