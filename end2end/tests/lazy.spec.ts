import { test, expect } from './fixtures';
import { online } from './helpers';

// The pages behind lazy routes (accounts, sheet music) and the room's side panels are wasm
// modules of their own, fetched when first needed.

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

test('a room page is live before its side panels arrive, and they follow', async ({ page }) => {
  await page.route(lazyModules, (route) => route.abort());
  await page.goto('/room/Lobby');
  await online(page);
  await expect(page.getByRole('list', { name: 'Players' })).toContainText('(you)');
  await expect(page.getByRole('heading', { name: 'Instrument' })).toHaveCount(0);
  await page.unroute(lazyModules);
  await expect(page.getByRole('heading', { name: 'Instrument' })).toBeVisible({ timeout: 15_000 });
  await expect(page.getByRole('heading', { name: 'Recording' })).toBeVisible();
});
