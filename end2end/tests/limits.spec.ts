import { expect, test } from './fixtures';
import { createRoom, online } from './helpers';

test('a player over the room-creation limit is told why in the dialog', async ({ page }) => {
  // Three rooms a minute per player.
  for (const name of ['Limit A', 'Limit B', 'Limit C']) {
    await createRoom(page, name);
  }
  await page.goto('/');
  await online(page);
  await page.getByRole('button', { name: 'Create room' }).click();
  const dialog = page.getByRole('dialog', { name: 'Create room' });
  await dialog.getByLabel('Room name').fill('Limit D');
  await dialog.getByRole('button', { name: 'Create', exact: true }).click();
  await expect(dialog.getByRole('alert')).toHaveText('Too many rooms created; try again in a minute.');
  await expect(page).toHaveURL(/\/$/);
});
