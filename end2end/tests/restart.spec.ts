import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from './fixtures';
import { createRoom, newPlayer, online, remoteNoteOns } from './helpers';

// This test runs its own server so that it can stop and start it.
const serverBin = process.env.E2E_SERVER_BIN ?? '../target/debug/server';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
    probe.on('error', reject);
  });
}

async function startServer(port: number, dataDir: string): Promise<ChildProcess> {
  const child = spawn(serverBin, [], {
    env: { ...process.env, LEPTOS_SITE_ADDR: `127.0.0.1:${port}`, DATA_DIR: dataDir, RUST_LOG: 'warn' },
    stdio: 'ignore',
  });
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/health`)).ok) return child;
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error('server did not start');
}

async function stopServer(child: ChildProcess) {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

test('players reconnect by themselves after the server restarts, back in their room', async ({ browser }) => {
  const port = await freePort();
  const baseURL = `http://127.0.0.1:${port}`;
  // The same store before and after: the restart keeps rooms, chat and who everyone is.
  const dataDir = mkdtempSync(join(tmpdir(), 'pianorhythm-restart-'));
  let server = await startServer(port, dataDir);
  try {
    const alice = await newPlayer(browser, baseURL);
    const bob = await newPlayer(browser, baseURL);
    await createRoom(alice, 'Phoenix');
    await bob.goto('/room/Phoenix');
    await online(bob);
    await expect(alice.getByRole('list', { name: 'Players' }).getByRole('listitem')).toHaveCount(2);

    await stopServer(server);
    for (const page of [alice, bob]) {
      await expect(page.getByRole('status').first()).not.toHaveAttribute('data-state', 'online');
    }
    server = await startServer(port, dataDir);

    for (const page of [alice, bob]) await online(page);
    // Both are back in the room, once each.
    for (const page of [alice, bob]) {
      await expect(page.getByRole('list', { name: 'Players' }).getByRole('listitem')).toHaveCount(2, { timeout: 15_000 });
    }
    await alice.keyboard.press('t');
    await expect.poll(async () => (await remoteNoteOns(bob)).length).toBeGreaterThan(0);
  } finally {
    server.kill('SIGKILL');
  }
});
