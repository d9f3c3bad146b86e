import { expect, test } from './fixtures';
import { createRoom, myName, newPlayer, online, remoteNoteOns } from './helpers';

test('two players: join from the lobby, hear every note in order, see the keys in the sender\'s colour', async ({ browser, baseURL }) => {
  const alice = await newPlayer(browser, baseURL);
  const bob = await newPlayer(browser, baseURL);
  await bob.goto('/');
  await online(bob);

  await createRoom(alice, 'Duet');
  // Bob's lobby updates by itself, and the room's link takes him in.
  const link = bob.getByRole('link', { name: /^Duet/ });
  await expect(link).toContainText('1 / 8');
  await link.click();
  await expect(bob).toHaveURL(/\/room\/Duet$/);
  const players = alice.getByRole('list', { name: 'Players' });
  await expect(players).toContainText(await myName(bob));

  // Computer keyboard (Virtual Piano: T is C4), held so Bob can see the key lit.
  await alice.keyboard.down('t');
  const aliceColour = await alice.getByLabel('Your colour').inputValue();
  const c4 = bob.getByRole('button', { name: 'C4', exact: true });
  await expect(c4).toHaveAttribute('aria-pressed', 'true');
  await expect(c4).toHaveAttribute('style', new RegExp(`--lit: ${aliceColour}`));
  await alice.keyboard.up('t');
  await expect(c4).toHaveAttribute('aria-pressed', 'false');

  // Web MIDI (a fake input, chosen automatically as the only one).
  await alice.getByRole('button', { name: 'Connect MIDI' }).click();
  await expect(alice.getByLabel('MIDI input')).toHaveValue('fake-keyboard');
  await alice.evaluate(() => (window as any).__midi([0x90, 64, 77]));
  await alice.evaluate(() => (window as any).__midi([0x80, 64, 0]));

  // Mouse: struck in the middle of the key.
  await alice.getByRole('button', { name: 'G4', exact: true }).click();

  await expect.poll(async () => (await remoteNoteOns(bob)).length).toBe(3);
  const heard = await remoteNoteOns(bob);
  expect(heard.map((n) => [n.note, n.velocity])).toEqual([[60, 100], [64, 77], [67, expect.any(Number)]]);
  expect(heard[2].velocity).toBeGreaterThan(40);
  expect(heard[2].velocity).toBeLessThan(110);
  // Scheduled in the sender's time, never before it was played.
  for (const note of heard) expect(note.scheduledAt).toBeGreaterThanOrEqual(note.sentAt);
  // Alice never hears her own notes back.
  expect(await remoteNoteOns(alice)).toEqual([]);
});

test('MIDI out: the room\'s notes go to the chosen output at the time they are heard, until it is turned off', async ({ browser, baseURL }) => {
  const alice = await newPlayer(browser, baseURL);
  const bob = await newPlayer(browser, baseURL);
  await createRoom(alice, 'Synth Out');
  await bob.goto('/room/Synth%20Out');
  await online(bob);
  await expect(alice.getByRole('list', { name: 'Players' }).getByRole('listitem')).toHaveCount(2);

  // Bob connects MIDI: the output stays off until he picks it.
  await bob.getByRole('button', { name: 'Connect MIDI' }).click();
  const output = bob.getByLabel('MIDI output');
  await expect(output).toHaveValue('');
  await alice.keyboard.press('t');
  await expect.poll(async () => (await remoteNoteOns(bob)).length).toBe(1);
  expect(await bob.evaluate(() => (window as any).__midiOut)).toEqual([]);

  await output.selectOption({ label: 'Test Synth' });
  await alice.keyboard.press('y');
  await expect.poll(() => bob.evaluate(() => (window as any).__midiOut.length)).toBe(2);
  const sent = await bob.evaluate(() => (window as any).__midiOut);
  const heard = (await remoteNoteOns(bob))[1];
  expect(sent[0].data).toEqual([0x90, heard.note, heard.velocity]);
  expect(sent[1].data).toEqual([0x80, heard.note, 0]);
  // Sent for the moment Bob hears the note: its scheduled time, on the page's clock.
  const scheduledOnPageClock = await bob.evaluate((at) => at - performance.timeOrigin, heard.scheduledAt);
  expect(Math.abs(sent[0].timestamp - scheduledOnPageClock)).toBeLessThan(50);

  // Remembered, and turned off again.
  await bob.reload();
  await online(bob);
  await bob.getByRole('button', { name: 'Connect MIDI' }).click();
  await expect(bob.getByLabel('MIDI output')).toHaveValue('fake-synth');
  await bob.getByLabel('MIDI output').selectOption({ label: 'Off' });
  await alice.keyboard.press('u');
  await expect.poll(async () => (await remoteNoteOns(bob)).length).toBe(1);
  expect(await bob.evaluate(() => (window as any).__midiOut)).toEqual([]);
});

test('chat goes both ways and the history is there after a reload', async ({ browser, baseURL }) => {
  const alice = await newPlayer(browser, baseURL);
  const bob = await newPlayer(browser, baseURL);
  await createRoom(alice, 'Chatty');
  await bob.goto('/room/Chatty');
  await online(bob);
  await expect(bob.getByRole('list', { name: 'Players' })).toContainText('(you)');

  await alice.getByLabel('Chat message').fill('hello from Alice');
  await alice.getByLabel('Chat message').press('Enter');
  await expect(bob.getByRole('list', { name: 'Chat' })).toContainText('hello from Alice');
  // Each line shows its time on the reader's clock, the full date on hover.
  const stamp = bob.getByRole('list', { name: 'Chat' }).locator('li', { hasText: 'hello from Alice' }).locator('time');
  await expect(stamp).toHaveText(/^\d\d:\d\d$/);
  const shown = await bob.evaluate(() => { const d = new Date(); return `${d.getFullYear()}`; });
  await expect(stamp).toHaveAttribute('title', new RegExp(shown));
  await bob.getByLabel('Chat message').fill('hi Alice');
  await bob.getByRole('button', { name: 'Send' }).click();
  await expect(alice.getByRole('list', { name: 'Chat' })).toContainText('hi Alice');

  await bob.reload();
  const history = bob.getByRole('list', { name: 'Chat' });
  await expect(history).toContainText('hello from Alice');
  await expect(history).toContainText('hi Alice');
  // The reload is the same player, not a second one.
  await expect(alice.getByRole('list', { name: 'Players' }).getByRole('listitem')).toHaveCount(2);
});

test('the owner kicks a player out', async ({ browser, baseURL }) => {
  const alice = await newPlayer(browser, baseURL);
  const bob = await newPlayer(browser, baseURL);
  await createRoom(alice, 'Strict');
  await bob.goto('/room/Strict');
  await online(bob);
  const bobName = await myName(bob);
  await expect(alice.getByRole('list', { name: 'Players' })).toContainText(bobName);

  await alice.getByRole('button', { name: `Kick ${bobName}` }).click();
  await expect(bob.getByRole('alert')).toContainText('You were kicked from the room.');
  await expect(alice.getByRole('list', { name: 'Players' })).not.toContainText(bobName);
  // A player is not an owner: no moderation buttons for Bob anywhere.
  await expect(bob.getByRole('button', { name: /^Kick / })).toHaveCount(0);
});

test('a private room with a password: hidden from the lobby, joinable by name with the password', async ({ browser, baseURL }) => {
  const alice = await newPlayer(browser, baseURL);
  const bob = await newPlayer(browser, baseURL);
  await createRoom(alice, 'Hideout', { password: 'letmein', isPrivate: true });

  await bob.goto('/');
  await online(bob);
  await expect(bob.getByRole('list', { name: 'Rooms' })).toContainText('Lobby');
  await expect(bob.getByRole('link', { name: /^Hideout/ })).toHaveCount(0);

  await bob.getByLabel('Room', { exact: true }).fill('hideout');
  await bob.getByLabel('Room password').fill('wrong');
  await bob.getByRole('button', { name: 'Join', exact: true }).click();
  // A private room does not say it exists: a wrong password reads like a wrong name.
  await expect(bob.getByRole('alert')).toContainText('no room with that name (or the password is wrong)');
  await bob.getByLabel('Room password').fill('letmein');
  await bob.getByRole('button', { name: 'Join', exact: true }).click();
  await expect(bob.getByRole('list', { name: 'Players' })).toContainText('(you)');
  await expect(alice.getByRole('list', { name: 'Players' })).toContainText(await myName(bob));
});

test('owner settings, the MPP layout, muting a player and leaving for the lobby', async ({ browser, baseURL }) => {
  const alice = await newPlayer(browser, baseURL);
  const bob = await newPlayer(browser, baseURL);
  await createRoom(alice, 'Workshop');
  await bob.goto('/room/Workshop');
  await online(bob);
  await expect(alice.getByRole('list', { name: 'Players' })).toContainText(await myName(bob));

  // The owner renames the room and sets a welcome message from the settings panel.
  const settings = alice.getByRole('region', { name: 'Room settings' });
  await settings.getByLabel('Room name').fill('Workshop 2');
  await settings.getByLabel('Welcome message').fill('Play nicely');
  await settings.getByRole('button', { name: 'Save settings' }).click();
  await expect(bob.getByRole('heading', { level: 1 })).toHaveText('Workshop 2');
  await expect(bob.locator('.chat .welcome')).toHaveText('Play nicely');
  // Bob is not the owner: no settings panel for him.
  await expect(bob.getByRole('button', { name: 'Save settings' })).toHaveCount(0);

  // Multiplayer Piano layout: Z is C3.
  await alice.getByLabel('Keyboard layout').selectOption('mpp');
  await alice.keyboard.press('z');
  await expect.poll(async () => (await remoteNoteOns(bob)).map((n) => n.note)).toEqual([48]);

  // Muting is per listener, from the player's menu: Bob's button says so, and notes still
  // light Alice's keys for him.
  const aliceName = await myName(alice);
  await bob.getByRole('list', { name: 'Players' }).getByRole('button', { name: aliceName, exact: true }).click();
  await bob.getByRole('button', { name: `Mute ${aliceName}` }).click();
  await expect(bob.getByRole('button', { name: `Mute ${aliceName}` })).toHaveAttribute('aria-pressed', 'true');

  // Leaving returns to the lobby, and the others see the player go.
  await bob.getByRole('button', { name: 'Leave room' }).click();
  await expect(bob).toHaveURL(/\/$/);
  await expect(alice.getByRole('list', { name: 'Players' }).getByRole('listitem')).toHaveCount(1);
});
