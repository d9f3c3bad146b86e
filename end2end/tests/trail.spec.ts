import { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { createRoom, newPlayer, online } from './helpers';

// The note trail: a bar in the player's colour rises above each key played, for every player
// in the room; on by default, and off once the player turns it off.

/** How many canvas pixels are painted above `note`'s key. */
function paintedAbove(page: Page, note: number): Promise<number> {
  return page.evaluate((note) => {
    const canvas = document.querySelector<HTMLCanvasElement>('.note-trail');
    const key = document.querySelector<HTMLElement>(`.piano [data-note="${note}"]`);
    if (!canvas || !key) return -1;
    const scale = canvas.width / canvas.clientWidth;
    const x = Math.round((key.offsetLeft + key.offsetWidth / 2) * scale);
    const pixels = canvas.getContext('2d')!.getImageData(x - 1, 0, 3, canvas.height).data;
    let painted = 0;
    for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) painted += 1;
    return painted;
  }, note);
}

test('the note trail rises above the keys played, for everyone, until turned off', async ({ browser, baseURL }) => {
  // Two players, a room, a reload: more than 30 s on a busy machine.
  test.slow();
  const alice = await newPlayer(browser, baseURL);
  const bob = await newPlayer(browser, baseURL);
  await createRoom(alice, 'Trails');
  await bob.goto('/room/Trails');
  await online(bob);
  await expect(alice.getByRole('list', { name: 'Players' }).getByRole('listitem')).toHaveCount(2);
  await expect(alice.locator('.note-trail')).toBeVisible();
  await expect(alice.getByLabel('Note trail')).toBeChecked();

  // Alice holds C4 (T): a bar grows above it on her screen and on Bob's, and nowhere else.
  await alice.keyboard.down('t');
  for (const page of [alice, bob]) {
    await expect.poll(() => paintedAbove(page, 60)).toBeGreaterThan(10);
    expect(await paintedAbove(page, 72)).toBe(0);
  }
  await alice.keyboard.up('t');

  // Turned off: no canvas, and it stays off after a reload.
  await alice.getByLabel('Note trail').uncheck();
  await expect(alice.locator('.note-trail')).toHaveCount(0);
  await alice.reload();
  await online(alice);
  await expect(alice.getByLabel('Note trail')).not.toBeChecked();
  await expect(alice.locator('.note-trail')).toHaveCount(0);
});

test('with reduced motion asked for, a still bar stands over a held key and goes when released', async ({ browser, baseURL }) => {
  const player = await newPlayer(browser, baseURL);
  await player.emulateMedia({ reducedMotion: 'reduce' });
  await player.goto('/room/Lobby');
  await online(player);
  await expect(player.locator('.note-trail')).toBeVisible();

  await player.keyboard.down('t');
  await expect.poll(() => paintedAbove(player, 60)).toBeGreaterThan(10);
  // A moving bar grows by tens of pixels in half a second; a still one not at all.
  const first = await paintedAbove(player, 60);
  await player.waitForTimeout(500);
  expect(await paintedAbove(player, 60)).toBe(first);
  await player.keyboard.up('t');
  await expect.poll(() => paintedAbove(player, 60)).toBe(0);
});
