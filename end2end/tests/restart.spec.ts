import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from './fixtures';
import { createRoom, newPlayer, online, remoteNoteOns } from './helpers';
import { freePort, startServer, stopServer } from './processes';

// This test runs its own server so that it can stop and start it.

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
