import { expect, test } from './fixtures';

// The API reference, served by the site itself under its own Content-Security-Policy: the
// viewer renders the API's document (any violation or page error fails the test, see fixtures).
test('the API reference shows the API operations', async ({ page }) => {
  const response = await page.goto('/api/docs');
  expect(response?.status()).toBe(200);
  const policy = response?.headers()['content-security-policy'] ?? '';
  expect(policy).toContain("script-src 'self';");
  expect(policy).not.toContain('unsafe-eval');

  await expect(page.getByRole('heading', { name: /PianoRhythm REST API/ })).toBeVisible();
  const activeRooms = page.locator('.opblock-summary-path', { hasText: '/rooms/active' });
  await expect(activeRooms).toBeVisible();

  // An operation opens with its description, including who may call it.
  await page.locator('.opblock-summary', { hasText: '/audit' }).first().click();
  await expect(page.getByText('moderator or admin').first()).toBeVisible();
});
