import { Page } from '@playwright/test';
import { test, expect } from './fixtures';
import { createRoom, myName, newPlayer, online } from './helpers';

// The chat's commands, its own lines (arrivals, departures, the crown), mentions and links,
// between two players.

async function say(page: Page, text: string) {
  await page.getByLabel('Chat message').fill(text);
  await page.getByLabel('Chat message').press('Enter');
}

const chat = (page: Page) => page.getByRole('list', { name: 'Chat' });

/** Alice creates `room`, Bob joins it; both see each other. */
async function twoInARoom(browser: import('@playwright/test').Browser, baseURL: string | undefined, room: string) {
  const alice = await newPlayer(browser, baseURL);
  const bob = await newPlayer(browser, baseURL);
  await createRoom(alice, room);
  await bob.goto(`/room/${room}`);
  await online(bob);
  const [aliceName, bobName] = [await myName(alice), await myName(bob)];
  await expect(alice.getByRole('list', { name: 'Players' })).toContainText(bobName);
  await expect(bob.getByRole('list', { name: 'Players' })).toContainText(aliceName);
  return { alice, bob, aliceName, bobName };
}

test('/me, /help, an unknown command, /clear, and who joined and left', async ({ browser, baseURL }) => {
  const { alice, bob, aliceName, bobName } = await twoInARoom(browser, baseURL, 'Commands');
  // Bob's arrival is a line of Alice's chat; Bob's own join shows no line for those already there.
  await expect(chat(alice).locator('li.system', { hasText: `${bobName} joined` })).toBeVisible();
  await expect(chat(bob).locator('li.system')).toHaveCount(0);

  await say(alice, '/me waves hello');
  await expect(chat(bob).locator('li', { hasText: 'waves hello' })).toHaveText(new RegExp(`\\* ${aliceName} waves hello`));
  await expect(chat(alice).locator('li', { hasText: 'waves hello' })).toHaveText(new RegExp(`\\* ${aliceName} waves hello`));

  await say(alice, '/help');
  await expect(chat(alice)).toContainText('/mute <name> [minutes]');
  await expect(chat(alice)).toContainText('/clear');

  await say(bob, '/dance');
  await expect(chat(bob)).toContainText('Unknown command /dance — /help lists them');
  // Proof that nothing went to the room: a later message arrives, the command never does.
  await say(bob, 'after the command');
  await expect(chat(alice)).toContainText('after the command');
  await expect(chat(alice)).not.toContainText('/dance');
  await expect(chat(alice)).not.toContainText('Unknown command');
  await expect(chat(bob)).not.toContainText('/mute <name>');

  await say(bob, '/clear');
  await expect(chat(bob).getByRole('listitem')).toHaveCount(0);
  await expect(chat(alice)).toContainText('waves hello');
  await expect(chat(alice)).toContainText('after the command');

  await bob.context().close();
  await expect(chat(alice).locator('li.system', { hasText: `${bobName} left` })).toBeVisible();
});

test('/nick renames, /mute by the owner silences, and the crown passing is told', async ({ browser, baseURL }) => {
  const { alice, bob, aliceName } = await twoInARoom(browser, baseURL, 'Renames');

  await say(bob, `/nick ${'x'.repeat(41)}`);
  await expect(chat(bob)).toContainText('Your name cannot change: name is 41 characters; the limit is 40');
  await say(bob, '/nick Bobby Tables');
  await expect(alice.getByRole('list', { name: 'Players' })).toContainText('Bobby Tables');

  // Only owners and staff mute.
  await say(bob, `/mute ${aliceName}`);
  await expect(chat(bob)).toContainText("Only the room's owner and staff can mute");
  await say(alice, '/mute nobody here');
  await expect(chat(alice)).toContainText('No player here is named nobody here');

  // Names are read as people read them: case and spacing aside.
  await say(alice, '/mute bobby  TABLES 5');
  await expect(chat(alice)).toContainText('Bobby Tables is muted here for 5 minutes');
  await say(bob, 'can anyone hear me');
  await expect(bob.getByRole('status').filter({ hasText: 'you are muted in this room' })).toBeVisible();
  await say(alice, 'later line');
  await expect(chat(bob)).toContainText('later line');
  await expect(chat(alice)).not.toContainText('can anyone hear me');

  await alice.getByRole('button', { name: 'Give crown to Bobby Tables' }).click();
  for (const page of [alice, bob]) {
    await expect(chat(page).locator('li.system', { hasText: 'The crown passed to Bobby Tables' })).toBeVisible();
  }
});

test('a mention stands out for the one mentioned; links open only when clicked, and text stays text', async ({ browser, baseURL }) => {
  const { alice, bob, bobName } = await twoInARoom(browser, baseURL, 'Mentions');

  const address = `${baseURL}/health`;
  await say(alice, `@${bobName.toUpperCase()} look at ${address}. <b>not bold</b>`);
  const bobsLine = chat(bob).locator('li', { hasText: 'look at' });
  await expect(bobsLine).toHaveClass(/\bmention\b/);
  // The cue screen readers read (generated content), not shown.
  const cue = (line: import('@playwright/test').Locator) => line.evaluate((li) => getComputedStyle(li, '::after').content);
  expect(await cue(bobsLine)).toBe('" (mentions you)"');
  const alicesLine = chat(alice).locator('li', { hasText: 'look at' });
  await expect(alicesLine).not.toHaveClass(/\bmention\b/);
  expect(await cue(alicesLine)).toBe('none');

  // The markup is shown as it was typed.
  await expect(bobsLine).toContainText('<b>not bold</b>');
  await expect(bobsLine.locator('b')).toHaveCount(0);

  const link = bobsLine.getByRole('link', { name: address });
  await expect(link).toHaveAttribute('href', address);
  await expect(link).toHaveAttribute('target', '_blank');
  await expect(link).toHaveAttribute('rel', 'noopener noreferrer nofollow');
  expect(bob.context().pages()).toHaveLength(1);
  const [opened] = await Promise.all([bob.context().waitForEvent('page'), link.click()]);
  await opened.waitForLoadState();
  expect(opened.url()).toBe(address);
  // Opened without a way back into the room's page.
  expect(await opened.evaluate(() => window.opener)).toBeNull();

  // Other schemes are text.
  await say(alice, 'javascript:alert(1) ftp://files.example');
  await expect(chat(bob)).toContainText('javascript:alert(1)');
  await expect(chat(bob).locator('li', { hasText: 'javascript:' }).getByRole('link')).toHaveCount(0);
});
