import { Page } from '@playwright/test';
import { test, expect } from './fixtures';
import { createRoom, myName, newPlayer, online, signIn } from './helpers';

/** An unsafe API request as the site's own page sends it: with the cookie and its Origin. */
function fromSite(baseURL: string | undefined) {
  return { Origin: new URL(baseURL!).origin };
}

/** The account id of the player signed in on `page`. */
async function accountId(page: Page): Promise<string> {
  return (await (await page.request.get('/api/v1/users/profile')).json()).id;
}

test('players report from a room and a profile; staff resolve, ban, lift and change roles', async ({ page, browser, baseURL }) => {
  // Five players, six pages, two lazily loaded modules: more than the default 30 s on a busy machine.
  test.slow();

  // The admin that ADMINS names makes a moderator.
  const admin = await newPlayer(browser, baseURL);
  await admin.goto('/');
  await signIn(admin, 'root-1', 'root');
  const moderator = await newPlayer(browser, baseURL);
  await moderator.goto('/');
  await signIn(moderator, 'warden-1', 'warden');
  const promoted = await admin.request.put(`/api/v1/users/${await accountId(moderator)}/roles`, {
    data: { roles: ['moderator'] },
    headers: fromSite(baseURL),
  });
  expect(promoted.status()).toBe(200);

  // A guest's room, where a member says something worth reporting.
  const reporter = page;
  await createRoom(reporter, 'Report Hall');
  const troll = await newPlayer(browser, baseURL);
  await troll.goto('/');
  await signIn(troll, 'troll-1', 'troll');
  const trollId = await accountId(troll);
  await troll.goto('/room/Report%20Hall');
  await online(troll);
  await expect(troll.getByRole('list', { name: 'Players' })).toContainText('(you)');
  await troll.getByLabel('Chat message').fill('buy cheap gold at example.com');
  await troll.keyboard.press('Enter');
  await expect(reporter.getByText('buy cheap gold at example.com')).toBeVisible();

  // From the player list's menu: none on oneself, one on the others.
  const players = reporter.getByRole('list', { name: 'Players' });
  await expect(players.getByRole('button', { name: await myName(reporter), exact: true })).toHaveCount(0);
  await players.getByRole('button', { name: 'troll', exact: true }).click();
  await expect(players.getByRole('button', { name: /from site$/ })).toHaveCount(0);
  await players.getByRole('button', { name: 'Report troll' }).click();
  const roomForm = reporter.getByRole('form', { name: 'Report troll' });
  await roomForm.getByLabel('Reason').fill('spamming gold ads in chat');
  await roomForm.getByRole('button', { name: 'Report' }).click();
  await expect(roomForm.getByRole('status')).toHaveText('Reported: staff will look at it.');

  // The moderator has the staff pages open: the room's report is there.
  await moderator.goto('/');
  await moderator.getByRole('link', { name: 'Moderation' }).click();
  await expect(moderator).toHaveURL(/\/moderation$/);
  const reports = moderator.getByRole('list', { name: 'Reports' });
  await expect(reports.locator('.staff-item')).toHaveCount(1);

  // From the profile page: a guest sees "Report" and no staff controls.
  await reporter.goto('/user/troll');
  await online(reporter);
  await expect(reporter.getByRole('heading', { name: 'Ban from site' })).toHaveCount(0);
  await expect(reporter.getByRole('heading', { name: 'Roles' })).toHaveCount(0);
  const profileForm = reporter.getByRole('form', { name: 'Report troll' });
  await profileForm.getByLabel('Reason').fill('ads on the profile too');
  await profileForm.getByRole('button', { name: 'Report' }).click();
  await expect(profileForm.getByRole('status')).toHaveText('Reported: staff will look at it.');

  // The moderator's open page shows the new report within seconds, with no click; newest
  // first, the room's with its chat lines; resolves one.
  await expect(reports.locator('.staff-item')).toHaveCount(2, { timeout: 15_000 });
  await expect(reports.locator('.staff-item').first()).toContainText('ads on the profile too');
  const fromRoom = reports.locator('.staff-item').filter({ hasText: 'spamming gold ads in chat' });
  await expect(fromRoom).toContainText('Report Hall');
  await expect(fromRoom.getByRole('list', { name: 'Chat lines' })).toContainText('buy cheap gold at example.com');
  await fromRoom.getByRole('button', { name: 'Resolve' }).click();
  await expect(reports.locator('.staff-item')).toHaveCount(1);
  await moderator.getByLabel('Status').selectOption('resolved');
  await expect(moderator.getByRole('list', { name: 'Reports' })).toContainText('spamming gold ads in chat');

  // A permanent site ban from the profile page, with a reason: the troll's open tab is closed.
  await moderator.goto('/user/troll');
  await online(moderator);
  await expect(moderator.getByRole('heading', { name: 'Report' })).toHaveCount(0);
  await expect(moderator.getByRole('heading', { name: 'Roles' })).toHaveCount(0);
  const ban = moderator.getByRole('form', { name: 'Ban troll from the site' });
  await ban.getByLabel('Duration').selectOption({ label: 'Permanent' });
  await ban.getByLabel('Reason').fill('gold spam');
  await ban.getByRole('button', { name: 'Ban from site' }).click();
  await expect(ban.getByRole('status')).toHaveText('Banned from the site.');
  await expect(troll.getByText(/banned from the site/)).toBeVisible();
  await expect(troll.getByText(/gold spam/)).toBeVisible();
  // And cannot come back.
  await troll.reload();
  await expect(troll.getByText(/banned from the site/).first()).toBeVisible();
  await expect(troll.getByRole('list', { name: 'Players' })).not.toContainText('(you)');

  // Under "Bans": who, "Permanent", why, by whom; lifted, the list is empty.
  await moderator.goto('/moderation');
  await online(moderator);
  await moderator.getByRole('tab', { name: 'Bans' }).click();
  const bans = moderator.getByRole('list', { name: 'Bans' });
  await expect(bans).toContainText('troll');
  await expect(bans).toContainText('Permanent');
  await expect(bans).toContainText('gold spam');
  await bans.getByRole('button', { name: 'Lift ban of troll' }).click();
  await expect(moderator.getByText('No site bans in force.')).toBeVisible();

  // The audit log has both, filtered by action.
  await moderator.getByRole('tab', { name: 'Audit log' }).click();
  await moderator.getByLabel('Action').selectOption('site_banned');
  await moderator.getByLabel('Whom (target id)').fill(trollId);
  await moderator.getByRole('button', { name: 'Filter' }).click();
  const audit = moderator.getByRole('table', { name: 'Audit log' });
  await expect(audit.getByRole('row')).toHaveCount(3);
  await expect(audit).toContainText('permanently');
  await expect(audit).toContainText('lifted');

  // An admin takes the moderator's role: /moderation answers 403 to them from then on.
  await admin.goto('/user/warden');
  await online(admin);
  const roles = admin.getByRole('form', { name: 'Roles' });
  await expect(roles.getByLabel('Moderator')).toBeChecked();
  await roles.getByLabel('Moderator').uncheck();
  await roles.getByRole('button', { name: 'Save roles' }).click();
  await expect(roles.getByRole('status')).toHaveText('Roles saved.');
  await moderator.goto('/moderation');
  await expect(moderator.getByRole('heading', { name: /403/ })).toBeVisible();
  await expect(moderator.getByRole('tab')).toHaveCount(0);

  // A plain member: 403 here, no "Moderation" link, and only "Report" on profiles.
  const member = await newPlayer(browser, baseURL);
  await member.goto('/');
  await signIn(member, 'plain-1', 'plain');
  await expect(member.getByRole('link', { name: 'Moderation' })).toHaveCount(0);
  await member.goto('/moderation');
  await expect(member.getByRole('heading', { name: /403/ })).toBeVisible();
  await member.goto('/user/troll');
  await online(member);
  await expect(member.getByRole('heading', { name: 'Report' })).toBeVisible();
  await expect(member.getByRole('heading', { name: 'Ban from site' })).toHaveCount(0);
  await expect(member.getByRole('heading', { name: 'Roles' })).toHaveCount(0);

  // Signed out, /moderation is the sign-in page.
  const stranger = await newPlayer(browser, baseURL);
  await stranger.goto('/moderation');
  await expect(stranger.getByRole('link', { name: 'Sign in with Local ID' })).toBeVisible();
});
