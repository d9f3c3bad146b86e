import { Page } from '@playwright/test';
import { test, expect } from './fixtures';
import { newPlayer, nextUser, online, signIn } from './helpers';

test('sign in, keep the account across a reload, share a profile, moderate the Lobby, sign out', async ({ page, browser, baseURL }) => {
  // A long journey through eight pages and three players: more than the default 30 s when the
  // machine runs other tests beside it.
  test.slow();
  // A guest signs in through the provider and picks a usertag.
  await page.goto('/');
  await online(page);
  await nextUser({ sub: 'ada-1', preferred_username: 'ada' });
  await page.getByRole('link', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/signin/);
  await page.getByRole('link', { name: 'Sign in with Local ID' }).click();
  await expect(page).toHaveURL(/\/welcome$/);
  await online(page);
  await expect(page.getByLabel('Usertag')).toHaveValue('ada');
  await page.getByLabel('Usertag').fill('ada_l');
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible();
  await expect(page).toHaveURL(/\/$/);

  // Still signed in after a reload.
  await page.reload();
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Sign in' })).toHaveCount(0);

  // The profile, edited here, is what another browser sees on /user/ada_l.
  await page.goto('/profile');
  await online(page);
  await page.getByLabel('Display name').fill('Ada L.');
  await page.getByLabel('Bio').fill('Plays Satie, slowly.');
  await page.getByLabel('Location').fill('Lisbon');
  await page.getByLabel('Avatar URL').fill('ftp://example.com/me.png');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('alert')).toContainText('http');
  await page.getByLabel('Avatar URL').fill('');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Saved.' })).toBeVisible();

  const stranger = await newPlayer(browser, baseURL);
  await stranger.goto('/user/ada_l');
  await expect(stranger.getByRole('heading', { name: 'Ada L.' })).toBeVisible();
  await expect(stranger.getByText('Plays Satie, slowly.')).toBeVisible();
  await expect(stranger.getByText('Lisbon')).toBeVisible();

  // A moderator (made one by the admin that ADMINS names) kicks the guest from the Lobby.
  const admin = await newPlayer(browser, baseURL);
  await admin.goto('/');
  await signIn(admin, 'root-1', 'root');
  const moderator = await newPlayer(browser, baseURL);
  await moderator.goto('/');
  await signIn(moderator, 'mod-1', 'modo');
  const profile = await (await moderator.request.get('/api/v1/users/profile')).json();
  // Sent as the site's own page sends it: an unsafe request with the cookie needs its Origin.
  const promoted = await admin.request.put(`/api/v1/users/${profile.id}/roles`, {
    data: { roles: ['moderator'] },
    headers: { Origin: new URL(baseURL!).origin },
  });
  expect(promoted.status()).toBe(200);

  await stranger.goto('/room/Lobby');
  await expect(stranger.getByRole('list', { name: 'Players' })).toContainText('(you)');
  const strangerName = (await stranger.getByLabel('Your name').inputValue()).trim();
  await moderator.goto('/room/Lobby');
  await expect(moderator.getByRole('list', { name: 'Players' })).toContainText(strangerName);
  await moderator.getByRole('button', { name: `Kick ${strangerName}` }).click();
  await expect(stranger.getByText('You were kicked from the room.')).toBeVisible();
  await expect(moderator.getByRole('list', { name: 'Players' })).not.toContainText(strangerName);

  // Signing out: a guest again, here and after a reload.
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('link', { name: 'Sign in' })).toBeVisible();
  await page.reload();
  await expect(page.getByRole('link', { name: 'Sign in' })).toBeVisible();
  await page.goto('/profile');
  await expect(page.getByRole('alert')).toContainText('Sign in to edit a profile.');
});
