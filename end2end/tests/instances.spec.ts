import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from './fixtures';
import { createRoom, newPlayer, online, remoteNoteOns } from './helpers';
import { freePort, startRedis, startServer } from './processes';

// Two instances sharing Redis and one data folder: one room across both, and the room going on
// when the instance that held it is killed.

test('players on two instances play and chat in one room, which survives kill -9 of the first', async ({ browser }) => {
  test.setTimeout(90_000);
  const redis = await startRedis();
  const dataDir = mkdtempSync(join(tmpdir(), 'pianorhythm-instances-'));
  const [portA, portB] = [await freePort(), await freePort()];
  const env = { REDIS_URL: redis.url };
  const first = await startServer(portA, dataDir, env);
  const second = await startServer(portB, dataDir, env);
  try {
    const alice = await newPlayer(browser, `http://127.0.0.1:${portA}`);
    const bob = await newPlayer(browser, `http://127.0.0.1:${portB}`);
    await createRoom(alice, 'Duet');
    await bob.goto('/room/Duet');
    await online(bob);
    for (const page of [alice, bob]) {
      await expect(page.getByRole('list', { name: 'Players' }).getByRole('listitem')).toHaveCount(2);
    }

    // Notes both ways, and one chat.
    await alice.keyboard.press('t');
    await expect.poll(async () => (await remoteNoteOns(bob)).length).toBeGreaterThan(0);
    await bob.keyboard.press('y');
    await expect.poll(async () => (await remoteNoteOns(alice)).length).toBeGreaterThan(0);
    await bob.getByLabel('Chat message').fill('hello across servers');
    await bob.getByLabel('Chat message').press('Enter');
    await expect(alice.getByRole('list', { name: 'Chat' })).toContainText('hello across servers');

    // The first instance dies; Bob stays, alone, in the same room, its chat kept.
    first.kill('SIGKILL');
    const players = bob.getByRole('list', { name: 'Players' }).getByRole('listitem');
    await expect(players).toHaveCount(1, { timeout: 10_000 });
    await expect(bob.getByRole('list', { name: 'Chat' })).toContainText('hello across servers');

    // The room runs on the second instance: a newcomer joins it and hears Bob.
    const carol = await newPlayer(browser, `http://127.0.0.1:${portB}`);
    await carol.goto('/room/Duet');
    await online(carol);
    await expect(players).toHaveCount(2, { timeout: 10_000 });
    await expect(carol.getByRole('list', { name: 'Chat' })).toContainText('hello across servers');
    // The chat box has the focus: keys go to the piano once it lets go.
    await bob.getByLabel('Chat message').blur();
    await bob.keyboard.press('u');
    await expect.poll(async () => (await remoteNoteOns(carol)).length).toBeGreaterThan(0);
  } finally {
    first.kill('SIGKILL');
    second.kill('SIGKILL');
    redis.child.kill('SIGKILL');
  }
});
