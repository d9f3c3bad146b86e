// A TCP proxy in front of the server that delays every server→browser chunk by a random 0 to
// `maxDelayMs` ms without reordering: a chunk leaves at max(previous departure, arrival +
// delay), as a jittery network path delivers a TCP stream. Browser→server passes untouched.
import { createConnection, createServer, Server, Socket } from 'node:net';

export type JitterProxy = {
  /** Where the browser connects instead of the server. */
  port: number;
  /** Every delayed chunk's actual hold, in ms, from arrival to being written on. */
  delays: number[];
  close: () => Promise<void>;
};

/** Holds a socket's outgoing chunks until their departure times, in arrival order. */
class DelayLine {
  private queue: Array<{ arrived: number; leaves: number; chunk: Buffer }> = [];
  private lastLeaves = 0;
  private timer: NodeJS.Timeout | null = null;
  private finished = false;

  constructor(private out: Socket, private maxDelayMs: number, private delays: number[]) {}

  push(chunk: Buffer) {
    const arrived = performance.now();
    const leaves = Math.max(this.lastLeaves, arrived + Math.random() * this.maxDelayMs);
    this.lastLeaves = leaves;
    this.queue.push({ arrived, leaves, chunk });
    if (this.queue.length === 1) this.pump();
  }

  /** Writes every chunk that is due, then sleeps until the next one is. */
  private pump() {
    this.timer = null;
    const now = performance.now();
    while (this.queue.length > 0 && this.queue[0].leaves <= now) {
      const { arrived, chunk } = this.queue.shift()!;
      this.delays.push(now - arrived);
      if (!this.out.destroyed) this.out.write(chunk);
    }
    if (this.queue.length > 0) {
      this.timer = setTimeout(() => this.pump(), this.queue[0].leaves - now);
    } else if (this.finished) {
      this.out.end();
    }
  }

  /** The other side is done sending: pass that on once everything queued has left. */
  finish() {
    this.finished = true;
    if (this.queue.length === 0) this.out.end();
  }

  stop() {
    if (this.timer) clearTimeout(this.timer);
    this.queue = [];
  }
}

export function startJitterProxy(serverPort: number, maxDelayMs: number): Promise<JitterProxy> {
  const delays: number[] = [];
  const sockets = new Set<Socket>();
  // Half-open sockets are handled by hand: a server's FIN must wait behind its delayed data.
  const server: Server = createServer({ allowHalfOpen: true }, (browser) => {
    const upstream = createConnection({ host: '127.0.0.1', port: serverPort, allowHalfOpen: true });
    browser.setNoDelay(true);
    upstream.setNoDelay(true);
    sockets.add(browser).add(upstream);
    const line = new DelayLine(browser, maxDelayMs, delays);
    browser.on('data', (chunk) => upstream.write(chunk));
    browser.on('end', () => upstream.end());
    upstream.on('data', (chunk) => line.push(chunk));
    upstream.on('end', () => line.finish());
    const drop = () => {
      line.stop();
      browser.destroy();
      upstream.destroy();
      sockets.delete(browser);
      sockets.delete(upstream);
    };
    browser.on('close', drop).on('error', drop);
    upstream.on('error', drop);
  });
  return new Promise((resolve, reject) => {
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      resolve({
        port,
        delays,
        close: () => new Promise<void>((done) => {
          sockets.forEach((socket) => socket.destroy());
          server.close(() => done());
        }),
      });
    });
  });
}
