import { test, expect } from './fixtures';
import { createRoom, myName, newPlayer, online, signIn } from './helpers';

test('two members message each other, live, from a profile, the header and the chat; a mention notifies', async ({ browser, baseURL }) => {
  test.slow();
  const ivy = await newPlayer(browser, baseURL);
  await ivy.goto('/');
  await signIn(ivy, 'ivy-1', 'ivy');
  const max = await newPlayer(browser, baseURL);
  await max.goto('/');
  await signIn(max, 'max-1', 'max');
  await createRoom(max, 'Letter Room');

  // Ivy writes from Max's profile.
  await ivy.goto('/user/max');
  await online(ivy);
  await ivy.getByRole('link', { name: 'Message', exact: true }).click();
  await expect(ivy).toHaveURL(/\/messages\/max$/);
  await online(ivy);
  await ivy.getByLabel('Message', { exact: true }).fill('Hello Max <b>hi</b>');
  await ivy.getByRole('button', { name: 'Send' }).click();
  const ivyLines = ivy.getByRole('list', { name: 'Messages' });
  await expect(ivyLines).toContainText('Hello Max <b>hi</b>');

  // Max, in his room, sees the counts in the header at once.
  const maxMessages = max.getByRole('link', { name: /^Messages/ });
  await expect(maxMessages).toHaveText('Messages (1)');
  // He is here: told, not notified for later.
  await expect(max.getByRole('link', { name: /^Notifications/ })).toHaveText('Notifications');
  await maxMessages.click();
  const conversations = max.getByRole('list', { name: 'Conversations' });
  await expect(conversations).toContainText('1 new');
  await conversations.getByRole('link', { name: 'ivy' }).click();
  await expect(max).toHaveURL(/\/messages\/ivy$/);
  await expect(max.getByRole('list', { name: 'Messages' })).toContainText('Hello Max <b>hi</b>');
  await expect(maxMessages).toHaveText('Messages');

  // His answer reaches Ivy's open conversation live.
  await max.getByLabel('Message', { exact: true }).fill('Hi Ivy');
  await max.getByRole('button', { name: 'Send' }).click();
  await expect(ivyLines).toContainText('Hi Ivy');

  // "/msg" from a room's chat sends one too.
  await max.goto('/room/Letter%20Room');
  await online(max);
  await max.getByLabel('Chat message').fill('/msg @ivy see you at eight');
  await max.keyboard.press('Enter');
  await expect(max.locator('.chat .messages')).toContainText('Message sent to @ivy');
  await expect(ivyLines).toContainText('see you at eight');

  // Ivy is elsewhere: a mention in the room notifies her.
  await max.getByLabel('Chat message').fill('where is @ivy?');
  await max.keyboard.press('Enter');
  const ivyNotifications = ivy.getByRole('link', { name: /^Notifications/ });
  await expect(ivyNotifications).toHaveText('Notifications (1)');
  await ivyNotifications.click();
  const notices = ivy.getByRole('list', { name: 'Notifications' });
  await expect(notices).toContainText('max mentioned you in Letter Room: where is @ivy?');
  await expect(ivyNotifications).toHaveText('Notifications');
  await notices.getByRole('link', { name: /mentioned you/ }).click();
  await expect(ivy).toHaveURL(/\/room\/Letter%20Room$/);
});

test('a guest is asked to sign in to message', async ({ page }) => {
  await page.goto('/messages');
  await online(page);
  await expect(page.getByRole('alert')).toContainText('Sign in first.');
  await expect(page.getByRole('link', { name: 'Sign in', exact: true }).last()).toBeVisible();
});

test('a mention in the room while the tab is hidden shows the browser notification', async ({ browser, baseURL }) => {
  const ana = await newPlayer(browser, baseURL);
  const ben = await newPlayer(browser, baseURL);
  // Ben turned notifications on and the browser allows them; his tab can be hidden at will.
  await ben.addInitScript(() => {
    localStorage.setItem('pianorhythm.notifications', 'on');
    const shown: string[] = [];
    (window as any).__shown = shown;
    (window as any).Notification = class {
      static permission = 'granted';
      static requestPermission() { return Promise.resolve('granted'); }
      constructor(_title: string, options?: { body?: string }) { shown.push(options?.body ?? ''); }
    };
    Object.defineProperty(document, 'hidden', { get: () => (window as any).__hidden === true });
  });
  await createRoom(ana, 'Hidden Tab');
  await ben.goto('/room/Hidden%20Tab');
  await online(ben);
  const benName = await myName(ben);
  const shown = () => ben.evaluate(() => (window as any).__shown as string[]);
  const say = async (text: string) => {
    await ana.getByLabel('Chat message').fill(text);
    await ana.keyboard.press('Enter');
    await expect(ben.locator('.chat .messages')).toContainText(text);
  };

  // Seen in a visible tab: the line stands out, and no notification.
  await say(`hello @${benName}`);
  expect(await shown()).toEqual([]);
  // Hidden: the browser's own notification, for a mention only.
  await ben.evaluate(() => { (window as any).__hidden = true; });
  await say('nobody mentioned');
  await say(`still there @${benName}?`);
  await expect.poll(shown).toEqual([`${await myName(ana)} mentioned you: still there @${benName}?`]);
});
