import { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Browser, Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { createRoom, newPlayer, online, remoteNoteOns } from './helpers';
import { freePort, startRedis, startServer } from './processes';

// Two instances sharing Redis and one data folder: one room across both, and the room going on
// when the instance that held it is killed.

/** Two instances on one Redis; Alice (on the first) made the room Duet, and Bob (on the second) is in it. */
async function duet(browser: Browser) {
  const redis = await startRedis();
  const dataDir = mkdtempSync(join(tmpdir(), 'pianorhythm-instances-'));
  const [portA, portB] = [await freePort(), await freePort()];
  // The instances sign what they say to each other on the bus with a secret they share.
  const env = { REDIS_URL: redis.url, BUS_SECRET: randomBytes(32).toString('hex') };
  const children: ChildProcess[] = [redis.child];
  const first = await startServer(portA, dataDir, env);
  children.push(first);
  const second = await startServer(portB, dataDir, env);
  children.push(second);
  const alice = await newPlayer(browser, `http://127.0.0.1:${portA}`);
  const bob = await newPlayer(browser, `http://127.0.0.1:${portB}`);
  await createRoom(alice, 'Duet');
  await bob.goto('/room/Duet');
  await online(bob);
  for (const page of [alice, bob]) {
    await expect(players(page)).toHaveCount(2);
  }
  const stop = () => children.forEach((child) => child.kill('SIGKILL'));
  return { first, alice, bob, urlB: `http://127.0.0.1:${portB}`, stop };
}

function players(page: Page) {
  return page.getByRole('list', { name: 'Players' }).getByRole('listitem');
}

/** A newcomer opens `/room/Duet` on `url` directly and finds `count` players in their own list, themself among them, within 10 s. */
async function newcomer(browser: Browser, url: string, count: number): Promise<Page> {
  const page = await newPlayer(browser, url);
  await page.goto('/room/Duet');
  await expect(players(page)).toHaveCount(count, { timeout: 10_000 });
  await expect(page.getByRole('list', { name: 'Players' })).toContainText('(you)');
  return page;
}

test('players on two instances play and chat in one room, which survives kill -9 of the first', async ({ browser }) => {
  test.setTimeout(90_000);
  const { first, alice, bob, urlB, stop } = await duet(browser);
  try {
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
    await expect(players(bob)).toHaveCount(1, { timeout: 10_000 });
    await expect(bob.getByRole('list', { name: 'Chat' })).toContainText('hello across servers');

    // The room runs on the second instance: a newcomer joins it and hears Bob.
    const carol = await newcomer(browser, urlB, 2);
    await online(carol);
    await expect(players(bob)).toHaveCount(2, { timeout: 10_000 });
    await expect(carol.getByRole('list', { name: 'Chat' })).toContainText('hello across servers');
    // The chat box has the focus: keys go to the piano once it lets go.
    await bob.getByLabel('Chat message').blur();
    await bob.keyboard.press('u');
    await expect.poll(async () => (await remoteNoteOns(carol)).length).toBeGreaterThan(0);
  } finally {
    stop();
  }
});

test('a newcomer opening the room on the surviving instance right after kill -9 is in it with the survivors', async ({ browser }) => {
  test.setTimeout(90_000);
  const { first, bob, urlB, stop } = await duet(browser);
  try {
    const killed = Date.now();
    first.kill('SIGKILL');
    // At once, while the first instance still counts as alive: Bob and the newcomer, in the
    // newcomer's own list.
    const carol = await newcomer(browser, urlB, 2);
    console.log(`the newcomer at once was in the room ${Date.now() - killed} ms after the kill`);
    await expect(players(bob)).toHaveCount(2, { timeout: 10_000 });
    // And a little later, once the first instance counts as gone.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const arrived = Date.now();
    await newcomer(browser, urlB, 3);
    console.log(`the later newcomer was in the room ${Date.now() - arrived} ms after arriving`);
    await expect(players(carol)).toHaveCount(3, { timeout: 10_000 });
  } finally {
    stop();
  }
});
