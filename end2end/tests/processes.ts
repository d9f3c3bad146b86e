// Servers (and Redis) that a test starts and stops itself, on free ports.
import { ChildProcess, spawn } from 'node:child_process';
import { openSync } from 'node:fs';
import { join } from 'node:path';
import { createServer, connect } from 'node:net';

const serverBin = process.env.E2E_SERVER_BIN ?? '../target/debug/server';
// A folder to keep each started server's log in (`server-<port>.log`), to see what happened
// when a test fails; `E2E_SERVER_RUST_LOG` sets how much they say (default: warnings).
const logDir = process.env.E2E_SERVER_LOGS;

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
    probe.on('error', reject);
  });
}

async function eventually(what: string, check: () => Promise<boolean>) {
  for (let i = 0; i < 100; i++) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} did not start`);
}

/// The server binary on `port`, with its store in `dataDir` and any further settings in `env`.
export async function startServer(port: number, dataDir: string, env: Record<string, string> = {}): Promise<ChildProcess> {
  const child = spawn(serverBin, [], {
    env: {
      ...process.env,
      LEPTOS_SITE_ADDR: `127.0.0.1:${port}`,
      METRICS_ADDR: '127.0.0.1:0',
      DATA_DIR: dataDir,
      RUST_LOG: process.env.E2E_SERVER_RUST_LOG ?? 'warn',
      ...env,
    },
    stdio: logDir ? ['ignore', ...Array(2).fill(openSync(join(logDir, `server-${port}.log`), 'a'))] : 'ignore',
  });
  try {
    await eventually('the server', async () => (await fetch(`http://127.0.0.1:${port}/health`)).ok);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return child;
}

/// SIGTERM, as an orchestrator stops a server, and waits for it to exit.
export async function stopServer(child: ChildProcess) {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

/// A `redis-server` that saves nothing, on a free port; answers its URL.
export async function startRedis(): Promise<{ child: ChildProcess; url: string }> {
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: 'ignore',
  });
  await eventually('redis-server', () => new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => { socket.end(); resolve(true); });
    socket.on('error', () => resolve(false));
  }));
  return { child, url: `redis://127.0.0.1:${port}` };
}
