import { APIRequestContext } from '@playwright/test';
import { test, expect } from './fixtures';
import { myName, newPlayer, online } from './helpers';

// The pages behind lazy routes (the lobby, accounts, sheet music) and all of a room's page but
// the piano are wasm modules of their own, one per group of pages, fetched when first needed.

const lazyModules = /\/pkg\/(chunk_|split_)[^/]*\.wasm$/;

test('a module that cannot be fetched is fetched again once it can, and the app lives on', async ({ page }) => {
  await page.goto('/');
  await online(page);
  // The modules cannot be fetched for now, as while the server restarts.
  let refused = 0;
  await page.route(lazyModules, (route) => {
    refused += 1;
    return route.abort();
  });
  await page.getByRole('link', { name: 'Sheet music' }).click();
  await expect.poll(() => refused).toBeGreaterThan(2);
  await page.unroute(lazyModules);
  // No page error (the fixture checks): the page arrives, and the app is still connected.
  await expect(page.getByRole('heading', { name: 'Sheet music' })).toBeVisible({ timeout: 15_000 });
  await online(page);
});

test('a room page plays before the rest of it arrives, and the rest follows', async ({ browser, baseURL }) => {
  const alice = await newPlayer(browser, baseURL);
  const bob = await newPlayer(browser, baseURL);
  await alice.route(lazyModules, (route) => route.abort());
  await alice.goto('/room/Lobby');
  await online(alice);
  await bob.goto('/room/Lobby');
  await expect(bob.getByRole('list', { name: 'Players' })).toContainText('(you)');
  // Alice is in the room with only the app's own module: she sees Bob's key go down.
  await bob.keyboard.down('t');
  await expect(alice.getByRole('button', { name: 'C4', exact: true })).toHaveAttribute('aria-pressed', 'true');
  await bob.keyboard.up('t');
  // And she plays: the synthesizer is in the app's own module (the click turns the sound on).
  await alice.getByRole('heading', { name: 'Lobby' }).click();
  await expect
    .poll(async () => {
      await alice.keyboard.press('y');
      return alice.evaluate(() => (window as any).__notes.some((n: any) => n.source === 'local' && n.on && n.voice === 'synth'));
    })
    .toBe(true);
  await expect(alice.getByRole('list', { name: 'Players' })).toHaveCount(0);
  await expect(alice.getByRole('heading', { name: 'Instrument' })).toHaveCount(0);
  // Once the modules can be fetched, the players, chat and panels appear.
  await alice.unroute(lazyModules);
  await expect(alice.getByRole('list', { name: 'Players' })).toContainText(await myName(bob), { timeout: 15_000 });
  await expect(alice.getByRole('heading', { name: 'Instrument' })).toBeVisible();
  await expect(alice.getByRole('heading', { name: 'Recording' })).toBeVisible();
});

/** A file's size as the server sends it to a browser that accepts `encoding` only. */
async function compressedSize(request: APIRequestContext, path: string, encoding: string): Promise<number> {
  const response = await request.get(path, { headers: { 'Accept-Encoding': encoding } });
  expect(response.ok(), path).toBeTruthy();
  expect(response.headers()['content-encoding'], path).toBe(encoding);
  return Number(response.headers()['content-length']);
}

test('the app\'s own module is at most 300 KB compressed, and smaller still in brotli', async ({ request }) => {
  const gzip = await compressedSize(request, '/pkg/pianorhythm.wasm', 'gzip');
  const brotli = await compressedSize(request, '/pkg/pianorhythm.wasm', 'br');
  expect(gzip).toBeGreaterThan(0);
  expect(gzip).toBeLessThanOrEqual(300_000);
  expect(brotli).toBeLessThan(gzip);
});

test('a first visit to a room fetches at most 12 files of code, 450 KB gzip in all, each once', async ({ page, request }) => {
  // Every script and wasm module the page fetches until it is idle, the piano samples aside
  // (audio, fetched after the page loads, and no code).
  const code: string[] = [];
  page.on('request', (fetched) => {
    const path = new URL(fetched.url()).pathname;
    if (/\.(js|wasm)$/.test(path)) code.push(path);
  });
  await page.goto('/room/Lobby');
  await expect(page.getByRole('list', { name: 'Players' })).toContainText('(you)');
  await expect(page.getByRole('link', { name: 'Sign in' })).toBeVisible();
  await page.waitForLoadState('networkidle');
  // A preloaded module is fetched once: the loader's fetch takes the preload's response.
  expect(code.length).toBe(new Set(code).size);
  expect(code.length).toBeLessThanOrEqual(12);
  const sizes = await Promise.all(code.map((path) => compressedSize(request, path, 'gzip')));
  const total = sizes.reduce((sum, size) => sum + size, 0);
  expect(total).toBeLessThanOrEqual(450_000);
});

test('a room\'s recorder comes with the sheet music module, fetched the first time it is used', async ({ page }) => {
  const code: string[] = [];
  page.on('request', (fetched) => code.push(new URL(fetched.url()).pathname));
  await page.goto('/room/Lobby');
  await expect(page.getByRole('list', { name: 'Players' })).toContainText('(you)');
  await page.waitForLoadState('networkidle');
  const sheetMusic = () => code.filter((path) => path.includes('split_sheet_music'));
  expect(sheetMusic()).toEqual([]);
  await page.getByRole('button', { name: 'Record' }).click();
  await expect(page.getByRole('button', { name: 'Stop recording' })).toBeVisible();
  expect(sheetMusic()).toHaveLength(1);
});

test('a page the server renders names the lazy modules it will show, for the script to fetch with the app', async ({ request }) => {
  const named = async (path: string) => {
    const html = await (await request.get(path)).text();
    // No code is fetched from the head: nothing competes with the first paint.
    expect(html).not.toMatch(/<link[^>]*(preload|modulepreload)/);
    return [...html.matchAll(/"\/pkg\/(split_[a-z_]+?)_\d+\.wasm"/g)].map((match) => match[1]);
  };
  expect(await named('/room/Lobby')).toEqual(['split_room_parts']);
  expect(await named('/sheets')).toEqual(['split_sheet_music']);
  expect(await named('/')).toEqual(['split_lobby_group']);
});

test('the code is fetched once the page is painted, and the page comes alive', async ({ page }) => {
  await page.goto('/room/Lobby');
  await online(page);
  const { paint, code } = await page.evaluate(() => ({
    paint: performance.getEntriesByName('first-contentful-paint')[0].startTime,
    code: performance
      .getEntriesByType('resource')
      .filter((entry) => /\/pkg\/.*\.(js|wasm)$/.test(entry.name))
      .map((entry) => entry.startTime),
  }));
  expect(code.length).toBeGreaterThan(2);
  for (const start of code) expect(start).toBeGreaterThanOrEqual(paint);
});
