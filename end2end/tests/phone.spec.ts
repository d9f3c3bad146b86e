import { expect, test } from './fixtures';
import { newPlayer, online, signIn } from './helpers';

// Phones (390×844): no page scrolls sideways, the header's links fold into a menu with "Sign in"
// (or the account's menu) one tap away, and a room gives the piano the height it needs.

test.use({ viewport: { width: 390, height: 844 }, hasTouch: true });

test('the header folds into a menu; Sign in stays in view; a link followed closes the menu', async ({ page }) => {
  await page.goto('/');
  await online(page);
  const header = page.locator('.site-header');
  await expect(header.getByRole('link', { name: 'Sign in' })).toBeVisible();
  await expect(header.getByRole('link', { name: 'Sheet music' })).toBeHidden();

  await header.getByRole('button', { name: 'Menu' }).click();
  const menu = page.getByRole('navigation', { name: 'Site' });
  await expect(menu.getByRole('link', { name: 'Sheet music' })).toBeVisible();
  await menu.getByRole('link', { name: 'Sheet music' }).click();
  await expect(page).toHaveURL(/\/sheets$/);
  await expect(menu.getByRole('link', { name: 'Sheet music' })).toBeHidden();

  // By keyboard: the button opens it, Escape closes it.
  await header.getByRole('button', { name: 'Menu' }).focus();
  await page.keyboard.press('Enter');
  await expect(menu.getByRole('link', { name: 'Sheet music' })).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(menu.getByRole('link', { name: 'Sheet music' })).toBeHidden();
});

test('a member finds their account in the menu', async ({ page }) => {
  // Signed in on a wide screen (where the helper finds "Sign out"), then seen on a phone.
  await page.setViewportSize({ width: 1366, height: 800 });
  await page.goto('/');
  await signIn(page, 'pocket-1', 'pocket');
  await page.setViewportSize({ width: 390, height: 844 });
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeHidden();
  await page.getByRole('button', { name: 'Menu' }).click();
  const menu = page.getByRole('navigation', { name: 'Site' });
  for (const link of ['pocket', 'Friends', 'Messages', 'Settings']) {
    await expect(menu.getByRole('link', { name: link, exact: true })).toBeVisible();
  }
  await expect(menu.getByRole('button', { name: 'Sign out' })).toBeVisible();
});

test('no page scrolls sideways and a room gives the piano most of the screen\'s width and a good height', async ({ browser, baseURL }) => {
  const page = await newPlayer(browser, baseURL);
  await page.setViewportSize({ width: 390, height: 844 });
  for (const path of ['/', '/room/Lobby', '/sheets', '/settings', '/signin']) {
    await page.goto(path);
    await online(page);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow, path).toBeLessThanOrEqual(0);
  }
  await page.goto('/room/Lobby');
  await online(page);
  const piano = await page.locator('.piano').boundingBox();
  expect(piano!.height).toBeGreaterThanOrEqual(200);
  // The piano comes right after the room's one line of controls, above the players and chat.
  const players = await page.getByRole('list', { name: 'Players' }).boundingBox();
  expect(piano!.y).toBeLessThan(players!.y);
  expect(piano!.y).toBeLessThan(844 / 3);
});
