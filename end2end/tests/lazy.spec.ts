import { test, expect } from './fixtures';
import { myName, newPlayer, online } from './helpers';

// The pages behind lazy routes (the lobby, accounts, sheet music) and all of a room's page but
// the piano are wasm modules of their own, fetched when first needed.

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

test('the app\'s own module is at most 300 KB compressed, and smaller still in brotli', async ({ request }) => {
  const compressed = async (encoding: string) => {
    const response = await request.get('/pkg/pianorhythm.wasm', { headers: { 'Accept-Encoding': encoding } });
    expect(response.ok()).toBeTruthy();
    expect(response.headers()['content-encoding']).toBe(encoding);
    return Number(response.headers()['content-length']);
  };
  const gzip = await compressed('gzip');
  const brotli = await compressed('br');
  expect(gzip).toBeGreaterThan(0);
  expect(gzip).toBeLessThanOrEqual(300_000);
  expect(brotli).toBeLessThan(gzip);
});

test('a page the server renders has the browser preload the lazy parts it will show', async ({ request }) => {
  const preloaded = async (path: string) => {
    const html = await (await request.get(path)).text();
    return [...html.matchAll(/<link[^>]*href="\/pkg\/(split_[a-z_]+?)_\d+\.wasm"[^>]*rel="preload"/g)].map((match) => match[1]);
  };
  const room = await preloaded('/room/Lobby');
  expect(room).toContain('split_room_parts');
  expect(room).toContain('split_account_corner');
  const library = await preloaded('/sheets');
  expect(library).toContain('split___sheet_library_view');
  expect(library).toContain('split_account_corner');
  expect(library).not.toContain('split_room_parts');
});
