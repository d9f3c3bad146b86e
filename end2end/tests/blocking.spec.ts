import { test, expect } from './fixtures';
import { createRoom, myName, newPlayer, online, remoteNoteOns } from './helpers';

test('a block from the player menu silences a player until unblocked in settings; a mute is remembered', async ({ browser, baseURL }) => {
  const ana = await newPlayer(browser, baseURL);
  const troll = await newPlayer(browser, baseURL);
  await createRoom(ana, 'Quiet Corner');
  await troll.goto('/room/Quiet%20Corner');
  await online(troll);
  const trollName = await myName(troll);
  const players = ana.getByRole('list', { name: 'Players' });
  await expect(players).toContainText(trollName);

  // No menu on oneself; the troll's menu offers Block.
  await expect(players.getByRole('button', { name: await myName(ana), exact: true })).toHaveCount(0);
  await players.getByRole('button', { name: trollName, exact: true }).click();
  const menu = ana.getByRole('group', { name: `${trollName}: menu` });
  await menu.getByRole('button', { name: 'Block' }).click();
  await expect(menu.getByRole('status')).toHaveText('Blocked: you no longer hear or read them.');
  await expect(menu.getByRole('button', { name: 'Unblock' })).toBeVisible();

  // The troll plays and chats; once Ana's own later line is back, nothing of theirs came.
  await troll.getByRole('heading', { level: 1 }).click();
  await troll.keyboard.press('z');
  await troll.getByLabel('Chat message').fill('spam spam');
  await troll.keyboard.press('Enter');
  await expect(troll.locator('.chat .messages')).toContainText('spam spam');
  await ana.getByLabel('Chat message').fill('still here');
  await ana.keyboard.press('Enter');
  await expect(ana.locator('.chat .messages')).toContainText('still here');
  await expect(ana.locator('.chat .messages')).not.toContainText('spam spam');
  expect(await remoteNoteOns(ana)).toEqual([]);

  // The settings page lists the block; "Unblock" empties it.
  await ana.goto('/settings');
  const blocked = ana.getByRole('list', { name: 'Blocked players' });
  await expect(blocked).toContainText(trollName);
  await blocked.getByRole('button', { name: `Unblock ${trollName}` }).click();
  await expect(ana.getByText('You block no one.')).toBeVisible();

  // Back in the room the troll is heard again.
  await ana.goto('/room/Quiet%20Corner');
  await online(ana);
  await expect(players).toContainText(trollName);
  await troll.getByLabel('Chat message').fill('sorry');
  await troll.keyboard.press('Enter');
  await expect(ana.locator('.chat .messages')).toContainText('sorry');

  // A mute is this browser's, and outlives a reload.
  await players.getByRole('button', { name: trollName, exact: true }).click();
  await ana.getByRole('button', { name: `Mute ${trollName}` }).click();
  await expect(players.getByTitle('Muted on this device')).toHaveCount(1);
  await ana.reload();
  await online(ana);
  await expect(players.getByTitle('Muted on this device')).toHaveCount(1);
  await players.getByRole('button', { name: trollName, exact: true }).click();
  await expect(ana.getByRole('button', { name: `Mute ${trollName}` })).toHaveAttribute('aria-pressed', 'true');

  // "/block <name>" in the chat blocks too.
  await ana.getByLabel('Chat message').fill(`/block ${trollName.toUpperCase()}`);
  await ana.keyboard.press('Enter');
  await expect(ana.locator('.chat .messages')).toContainText(`You blocked ${trollName}`);
  await troll.getByLabel('Chat message').fill('psst');
  await troll.keyboard.press('Enter');
  await expect(troll.locator('.chat .messages')).toContainText('psst');
  await ana.getByLabel('Chat message').fill('quiet now');
  await ana.keyboard.press('Enter');
  await expect(ana.locator('.chat .messages')).toContainText('quiet now');
  await expect(ana.locator('.chat .messages')).not.toContainText('psst');
});
