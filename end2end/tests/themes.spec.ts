import { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { newPlayer, online, signIn } from './helpers';

// Themes: "System", "Light" and "Dark", chosen by anyone on /settings, drawn by the server from
// the first byte of every page (no flash of the other theme), kept in a cookie for a guest and
// in the settings of a member.

/** The page's background colour, as drawn. */
function background(page: Page): Promise<string> {
  return page.evaluate(() => getComputedStyle(document.body).backgroundColor);
}

/** The theme the server wrote on the page's `<html>`, read from the HTML itself. */
async function servedTheme(page: Page, path: string): Promise<string | undefined> {
  const html = await (await page.request.get(path)).text();
  return html.match(/<html lang="en" data-theme="([a-z]+)"/)?.[1];
}

test('a guest chooses a theme: the page changes at once and the server draws every page in it', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.goto('/settings');
  await online(page);
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'system');
  await expect(page.getByLabel('Theme')).toHaveValue('system');
  const dark = await background(page);

  await page.getByLabel('Theme').selectOption('light');
  await page.getByRole('button', { name: 'Save theme' }).click();
  await expect(page.getByText('Theme saved.')).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
  expect(await background(page)).not.toBe(dark);

  // Kept: the server writes it into the HTML of every page, the settings page shows it.
  expect(await servedTheme(page, '/')).toBe('light');
  expect(await servedTheme(page, '/room/Lobby')).toBe('light');
  await page.goto('/sheets');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
  await page.goto('/settings');
  await online(page);
  await expect(page.getByLabel('Theme')).toHaveValue('light');

  // "System" follows the device.
  await page.getByLabel('Theme').selectOption('system');
  await page.getByRole('button', { name: 'Save theme' }).click();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'system');
  expect(await background(page)).toBe(dark);
  await page.emulateMedia({ colorScheme: 'light' });
  expect(await background(page)).not.toBe(dark);
});

test('the theme form works before the page is live, without any script', async ({ browser, baseURL }) => {
  const context = await browser.newContext({ baseURL, javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto('/settings');
  await page.getByLabel('Theme').selectOption('dark');
  await page.getByRole('button', { name: 'Save theme' }).click();
  // The server answers the post with the page again, now drawn in the theme chosen.
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await expect(page).toHaveURL(/\/settings/);
  await expect(page.getByLabel('Theme')).toHaveValue('dark');
  await context.close();
});

test('a member\'s theme is kept with their account and follows them to another browser', async ({ browser, baseURL }) => {
  // Two browsers, each signing in: more than 30 s on a busy machine.
  test.slow();
  const first = await newPlayer(browser, baseURL);
  await first.goto('/');
  await signIn(first, 'nocturne-1', 'nocturne');
  await first.goto('/settings');
  await online(first);
  await first.getByLabel('Theme').selectOption('dark');
  await first.getByRole('button', { name: 'Save theme' }).click();
  await expect(first.getByText('Theme saved.')).toBeVisible();
  // The account's other settings are saved apart and leave the theme alone.
  await first.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(first.getByText('Saved.', { exact: true })).toBeVisible();

  const second = await newPlayer(browser, baseURL);
  await second.goto('/');
  expect(await servedTheme(second, '/')).toBe('system');
  await signIn(second, 'nocturne-1', 'nocturne');
  expect(await servedTheme(second, '/')).toBe('dark');
  const settings = await second.request.get('/api/v1/users/settings');
  expect((await settings.json()).theme).toBe('dark');
});
