import AxeBuilder from '@axe-core/playwright';
import { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { newPlayer, online, signIn } from './helpers';

// Every page, in both themes, scanned by axe-core: no violation of impact serious or critical
// (contrast, names, roles, landmarks...). Guests' pages as a guest; members' and staff pages
// as an admin who chose the theme on the settings page.

/**
 * The serious and critical violations on the page as it is now, one line each.
 *
 * A piano's keys are as narrow as a piano's: WCAG 2.5.8 (target size) exempts a presentation
 * that is essential, and the same notes are played from the computer's keyboard, so the keys
 * alone are left out of that one rule (on phones they are a finger wide, see phone.spec.ts).
 */
async function seriousViolations(page: Page, options: { keysAsTargets?: boolean } = {}): Promise<string[]> {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'])
    .analyze();
  const pianoKey = (target: string) => !options.keysAsTargets && target.includes('[data-note=');
  return results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => ({
      ...violation,
      nodes: violation.nodes.filter((node) => !(violation.id === 'target-size' && pianoKey(node.target.join(' ')))),
    }))
    .filter((violation) => violation.nodes.length > 0)
    .map((violation) => `${violation.id} (${violation.impact}): ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`);
}

/** Opens `path`, waits until it is live and settled (in `theme`, if given), and scans it. */
async function scan(page: Page, path: string, options: { theme?: string; keysAsTargets?: boolean } = {}) {
  await page.goto(path);
  await online(page);
  await page.waitForLoadState('networkidle');
  await expect(page.locator('.loading')).toHaveCount(0);
  if (options.theme) await expect(page.locator('html')).toHaveAttribute('data-theme', options.theme);
  const where = options.theme ? `${path} in the ${options.theme} theme` : path;
  expect(await seriousViolations(page, options), where).toEqual([]);
}

for (const theme of ['dark', 'light']) {
  test(`no page has a serious or critical accessibility violation in the ${theme} theme`, async ({ browser, baseURL }) => {
    test.slow();
    // The device's own scheme is the other one: the page must follow the chosen theme.
    const page = await newPlayer(browser, baseURL);
    await page.emulateMedia({ colorScheme: theme === 'dark' ? 'light' : 'dark' });
    await page.context().addCookies([{ name: 'theme', value: theme, url: baseURL! }]);
    for (const path of ['/', '/room/Lobby', '/sheets', '/settings', '/signin', '/no-such-page']) {
      await scan(page, path, { theme });
    }

    // A member's pages: the theme chosen on the settings page is kept in their settings.
    await page.goto('/');
    await signIn(page, `curator-${theme}`, `curator-${theme}`);
    await page.goto('/settings');
    await online(page);
    await page.getByLabel('Theme').selectOption(theme);
    await page.getByRole('button', { name: 'Save theme' }).click();
    await expect(page.getByText('Theme saved.')).toBeVisible();
    await page.context().clearCookies({ name: 'theme' });

    await page.goto('/sheets/new');
    await online(page);
    await page.getByLabel('Title').fill(`Scanned in ${theme}`);
    await page.getByLabel('File').setInputFiles({ name: 'scale.txt', mimeType: 'text/plain', buffer: Buffer.from('t y u i o p') });
    await page.getByRole('button', { name: 'Upload' }).click();
    await expect(page).toHaveURL(/\/sheets\/[^/]+$/);
    const sheet = new URL(page.url()).pathname;

    for (const path of [sheet, '/sheets/new', '/profile', '/settings', `/user/curator-${theme}`, '/friends', '/messages',
      '/notifications', '/moderation']) {
      await scan(page, path, { theme });
    }
  });
}

test('on a phone, no page has a serious or critical violation, and every touch target is at least 24 px, the piano\'s keys too', async ({ browser, baseURL }) => {
  const page = await newPlayer(browser, baseURL);
  await page.setViewportSize({ width: 390, height: 844 });
  for (const path of ['/', '/room/Lobby', '/sheets', '/settings', '/signin']) {
    await scan(page, path, { keysAsTargets: true });
  }
  // The menu, open.
  await page.getByRole('button', { name: 'Menu' }).click();
  await expect(page.getByRole('navigation', { name: 'Site' }).getByRole('link', { name: 'Sheet music' })).toBeVisible();
  expect(await seriousViolations(page, { keysAsTargets: true }), 'the open menu').toEqual([]);
});

test('a keyboard alone creates a room, chats in it and reaches the header\'s links', async ({ page }) => {
  await page.goto('/');
  await online(page);
  // Tab goes through the header's links first, in reading order.
  await page.keyboard.press('Tab');
  await expect(page.getByRole('link', { name: 'PianoRhythm' })).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(page.getByRole('link', { name: 'Sheet music' })).toBeFocused();

  // "Create room" opens its dialog; the next Tab is inside it.
  const create = page.getByRole('button', { name: 'Create room' });
  await create.focus();
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('dialog', { name: 'Create room' });
  await expect(dialog).toBeVisible();
  await page.keyboard.press('Tab');
  await expect(dialog.getByLabel('Room name')).toBeFocused();
  await page.keyboard.type('Keys Only');
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/room\/Keys%20Only$/);
  await expect(page.getByRole('list', { name: 'Players' })).toContainText('(you)');

  // Tab reaches the chat; Enter sends.
  const chat = page.getByPlaceholder('Say something…');
  for (let presses = 0; presses < 200 && !(await chat.evaluate((input) => input === document.activeElement)); presses++) {
    await page.keyboard.press('Tab');
  }
  await expect(chat).toBeFocused();
  await page.keyboard.type('typed, not clicked');
  await page.keyboard.press('Enter');
  await expect(page.locator('.chat .messages')).toContainText('typed, not clicked');
});
