import { test, expect } from './fixtures';
import { createRoom, newPlayer, online, signIn } from './helpers';

test('two members befriend from a profile and see where each other is, live', async ({ browser, baseURL }) => {
  test.slow();
  const mia = await newPlayer(browser, baseURL);
  await mia.goto('/');
  await signIn(mia, 'mia-1', 'mia');
  const bob = await newPlayer(browser, baseURL);
  await bob.goto('/');
  await signIn(bob, 'bob-1', 'bob');

  // Mia asks from Bob's profile.
  await mia.goto('/user/bob');
  await online(mia);
  await mia.getByRole('button', { name: 'Add friend' }).click();
  await expect(mia.getByText('Request sent')).toBeVisible();

  // Bob finds the request under Friends, and accepts.
  await bob.getByRole('link', { name: 'Friends' }).click();
  await expect(bob).toHaveURL(/\/friends$/);
  const requests = bob.getByRole('list', { name: 'Friend requests' });
  await expect(requests).toContainText('mia');
  await requests.getByRole('button', { name: 'Accept mia' }).click();
  const friends = bob.getByRole('list', { name: 'Your friends' });
  await expect(friends).toContainText('mia');
  // Mia's tab is open on her profile page: online, in no room.
  await expect(friends).toContainText('Online');

  // Mia joins a room: Bob's open page says where, with a link to join her.
  await createRoom(mia, 'Friends Corner');
  await expect(friends).toContainText('In Friends Corner', { timeout: 2_000 });
  await expect(friends.getByRole('link', { name: 'Join Friends Corner' })).toHaveAttribute('href', '/room/Friends%20Corner');

  // The lobby shows her under "Friends online".
  await bob.goto('/');
  await online(bob);
  const online_now = bob.getByRole('list', { name: 'Friends online' });
  await expect(online_now).toContainText('In Friends Corner');
  await online_now.getByRole('link', { name: 'Join Friends Corner' }).click();
  await expect(bob).toHaveURL(/\/room\/Friends%20Corner$/);
  await expect(bob.getByRole('list', { name: 'Players' })).toContainText('mia');

  // Mia leaves the site: offline, with when she was last seen.
  await mia.close();
  await bob.goto('/friends');
  await expect(bob.getByRole('list', { name: 'Your friends' })).toContainText('Offline · last seen');

  // Removing ends it on both sides.
  await bob.getByRole('button', { name: 'Remove mia from friends' }).click();
  await expect(bob.getByText('No friends yet')).toBeVisible();
});
