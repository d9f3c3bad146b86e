// A Chromium driven through the DevTools protocol alone, over `--remote-debugging-pipe`.
//
// Playwright keeps every page it drives visible (its pages behave as active foreground tabs),
// so a page it drives can never be hidden. A browser started here can: opening another tab in
// front of a page's own window hides it (`document.visibilityState === 'hidden'`), and the
// browser then throttles that page's timers as it would a background tab's.
import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';

export class RawChromium {
  private nextId = 0;
  private waiting = new Map<number, { resolve: (value: any) => void; reject: (error: Error) => void }>();

  private constructor(private process: ChildProcess, private profile: string) {
    let buffered = '';
    (process.stdio[4] as Readable).on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      let end;
      while ((end = buffered.indexOf('\0')) >= 0) {
        const message = JSON.parse(buffered.slice(0, end));
        buffered = buffered.slice(end + 1);
        const waiter = message.id !== undefined && this.waiting.get(message.id);
        if (waiter) {
          this.waiting.delete(message.id);
          if (message.error) waiter.reject(new Error(`${message.error.message}`));
          else waiter.resolve(message.result);
        }
      }
    });
  }

  /** Starts Chromium (headless, with `args`) on an empty page of a fresh profile. */
  static async launch(args: string[]): Promise<RawChromium> {
    const profile = mkdtempSync(join(tmpdir(), 'pianorhythm-cdp-'));
    const child = spawn(process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      ['--headless', '--remote-debugging-pipe', `--user-data-dir=${profile}`, ...args, 'about:blank'],
      { stdio: ['ignore', 'ignore', 'ignore', 'pipe', 'pipe'] });
    const browser = new RawChromium(child, profile);
    await browser.send('Target.setDiscoverTargets', { discover: true });
    return browser;
  }

  /** A protocol command, to the browser or (with `sessionId`) to an attached page. */
  send(method: string, params: object = {}, sessionId?: string): Promise<any> {
    const id = ++this.nextId;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      (this.process.stdio[3] as Writable).write(JSON.stringify({ id, method, params, sessionId }) + '\0');
    });
  }

  /** The first page's target id and a session attached to it. */
  async firstPage(): Promise<{ targetId: string; sessionId: string }> {
    const { targetInfos } = await this.send('Target.getTargets');
    const targetId = targetInfos.find((target: any) => target.type === 'page').targetId;
    const { sessionId } = await this.send('Target.attachToTarget', { targetId, flatten: true });
    return { targetId, sessionId };
  }

  /** `expression`'s value in the page (awaited if it is a promise). */
  async evaluate(sessionId: string, expression: string): Promise<any> {
    const { result, exceptionDetails } = await this.send('Runtime.evaluate',
      { expression, returnByValue: true, awaitPromise: true }, sessionId);
    if (exceptionDetails) throw new Error(`${expression}: ${exceptionDetails.exception?.description ?? exceptionDetails.text}`);
    return result.value;
  }

  /** Polls `expression` until it is truthy. */
  async waitFor(sessionId: string, expression: string, timeoutMs = 20_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (!(await this.evaluate(sessionId, expression))) {
      if (Date.now() > until) throw new Error(`timed out waiting for ${expression}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** Stops the browser and removes its profile. */
  async close() {
    const exited = new Promise((resolve) => this.process.once('exit', resolve));
    this.process.kill();
    await exited;
    // Its helper processes may still be writing to the profile; what they leave stays in /tmp.
    try {
      rmSync(this.profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
    } catch {}
  }
}
