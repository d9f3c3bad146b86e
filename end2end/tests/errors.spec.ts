import { test, expect } from './fixtures';
import { online } from './helpers';

// Failures in words: what a player reads when a server function fails is our sentence, never
// the framework's text, in the place it happened.

test('a page a guest may not use says so in words and offers Sign in', async ({ page }) => {
  await page.goto('/settings');
  await online(page);
  // The page's own title, as the server rendered it, kept once the page is live.
  await expect(page).toHaveTitle('Settings · PianoRhythm');
  const refusal = page.getByRole('alert').filter({ hasText: 'Sign in' }).first();
  await expect(refusal).toContainText(/^Sign in/);
  await expect(refusal.getByRole('link', { name: 'Sign in' })).toBeVisible();
  await expect(page.locator('body')).not.toContainText('server function');
});

test('a server function that cannot be reached says what happened and what to do', async ({ page }) => {
  await page.goto('/');
  await online(page);
  // From now on the server's functions cannot be reached; the page itself is already here.
  await page.route(/\/api\/[a-z_]+(\?|$)/, (route) => route.abort('connectionrefused'));
  await page.getByRole('link', { name: 'Sheet music' }).first().click();
  await expect(page).toHaveURL(/\/sheets/);
  const failure = page.getByRole('alert').filter({ hasText: 'could not be reached' });
  await expect(failure).toHaveText('The server could not be reached. Check your connection and try again.');
  await expect(page.locator('body')).not.toContainText('server function');
});

test('a list on its way shows its placeholder, then the list', async ({ page }) => {
  await page.goto('/');
  await online(page);
  // The library's search answers late.
  let answer: () => void = () => {};
  const answered = new Promise<void>((resolve) => { answer = resolve; });
  await page.route(/\/api\/search_sheets/, async (route) => {
    await answered;
    await route.continue();
  });
  await page.getByRole('link', { name: 'Sheet music' }).first().click();
  const placeholder = page.locator('.loading');
  await expect(placeholder).toBeVisible();
  // The shape of a few rows, not a line of text.
  expect((await placeholder.boundingBox())!.height).toBeGreaterThanOrEqual(100);
  answer();
  await expect(placeholder).toHaveCount(0);
  await expect(page.locator('.sheet-list, .empty-state').first()).toBeVisible();
});
