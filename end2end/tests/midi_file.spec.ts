import { Page } from '@playwright/test';
import { test, expect } from './fixtures';
import { createRoom, newPlayer, online, remoteNoteOns } from './helpers';
import { FileTrack, midiFile, noteOnsOf } from './midi';

/** Alice's room with Bob listening in it. */
async function roomWithListener(browser: any, baseURL: string | undefined, room: string) {
  const alice = await newPlayer(browser, baseURL);
  const bob = await newPlayer(browser, baseURL);
  await createRoom(alice, room);
  await bob.goto(`/room/${room}`);
  await online(bob);
  await expect(alice.getByRole('list', { name: 'Players' })).toContainText(await bob.getByLabel('Your name').inputValue());
  return { alice, bob };
}

async function open(page: Page, name: string, bytes: Buffer) {
  await page.getByLabel('Open MIDI file').setInputFiles({ name, mimeType: 'audio/midi', buffer: bytes });
}

/** Moves the Seek slider as a player's drag would end: its value, then `input` and `change`. */
async function seek(page: Page, ms: number) {
  await page.getByRole('slider', { name: 'Seek' }).evaluate((slider: HTMLInputElement, value) => {
    slider.value = String(value);
    slider.dispatchEvent(new Event('input', { bubbles: true }));
    slider.dispatchEvent(new Event('change', { bubbles: true }));
  }, ms);
}

/** Bob's note-ons in the order they sound (then by key). */
async function heard(page: Page) {
  return (await remoteNoteOns(page)).sort((a, b) => a.scheduledAt - b.scheduledAt || a.note - b.note);
}

test('a MIDI file opened in a room plays its chosen tracks to the other players, in its rhythm', async ({ browser, baseURL }) => {
  const { alice, bob } = await roomWithListener(browser, baseURL, 'Jukebox');
  const melody: FileTrack = { name: 'Melody', notes: [60, 62, 64, 65, 67].map((key, i) => ({ key, at: i * 200, length: 150 })) };
  const bass: FileTrack = { name: 'Bass', notes: [36, 43].map((key, i) => ({ key, at: i * 400, length: 350, channel: 1 })) };
  await open(alice, 'duet.mid', midiFile([melody, bass]));
  await expect(alice.getByRole('checkbox', { name: 'Melody' })).toBeChecked();
  await expect(alice.getByRole('checkbox', { name: 'Bass' })).toBeChecked();

  // Without the bass: the melody alone, each note where the file has it.
  await alice.getByRole('checkbox', { name: 'Bass' }).uncheck();
  await alice.getByRole('button', { name: 'Play' }).click();
  await expect(alice.getByText('Playing in Jukebox')).toBeVisible();
  const wanted = noteOnsOf([melody]);
  await expect.poll(async () => (await remoteNoteOns(bob)).length, { timeout: 10_000 }).toBe(wanted.length);
  let notes = await heard(bob);
  expect(notes.map((n) => n.note)).toEqual(wanted.map((n) => n.key));
  for (let i = 1; i < notes.length; i++) {
    const interval = notes[i].scheduledAt - notes[0].scheduledAt;
    expect(Math.abs(interval - wanted[i].at), `note ${i}: ${interval} ms, written ${wanted[i].at} ms`).toBeLessThanOrEqual(5);
  }
  // Played to its end, it stops; played again with both tracks, the bass comes in.
  await expect(alice.getByText('Playing in Jukebox')).toHaveCount(0, { timeout: 5_000 });
  await alice.getByRole('checkbox', { name: 'Bass' }).check();
  await alice.getByRole('button', { name: 'Play' }).click();
  const both = noteOnsOf([melody, bass]);
  await expect.poll(async () => (await remoteNoteOns(bob)).length, { timeout: 10_000 }).toBe(wanted.length + both.length);
  notes = (await heard(bob)).slice(wanted.length);
  expect(notes.map((n) => n.note)).toEqual(both.map((n) => n.key));
  expect(notes[3].scheduledAt - notes[0].scheduledAt).toBeGreaterThan(395);
});

test('Pause stops the file, Seek moves it, and unticking a track while it plays silences that track', async ({ browser, baseURL }) => {
  const { alice, bob } = await roomWithListener(browser, baseURL, 'Turntable');
  // Two tracks, a note every 250 ms for 10 s: the scale, and a drone on channel 10.
  const scale: FileTrack = { name: 'Scale', notes: Array.from({ length: 40 }, (_, i) => ({ key: 48 + i, at: i * 250, length: 200 })) };
  const drone: FileTrack = { notes: Array.from({ length: 40 }, (_, i) => ({ key: 30, at: i * 250 + 100, length: 100, channel: 9 })) };
  await open(alice, 'scale.mid', midiFile([scale, drone]));
  await expect(alice.getByRole('checkbox', { name: 'Track 3' })).toBeChecked();

  await alice.getByRole('button', { name: 'Play' }).click();
  await expect.poll(async () => (await remoteNoteOns(bob)).filter((n) => n.note !== 30).length).toBeGreaterThanOrEqual(3);
  await alice.getByRole('button', { name: 'Pause' }).click();
  await expect(alice.getByText('Paused')).toBeVisible();
  // What was already on its way (the room's 500 ms look-ahead) arrives; then nothing more.
  await bob.waitForTimeout(1_000);
  const atPause = (await remoteNoteOns(bob)).length;
  await bob.waitForTimeout(1_000);
  expect((await remoteNoteOns(bob)).length).toBe(atPause);

  // To 4 s: the scale goes on from its 17th note (E4), none before it again.
  await seek(alice, 4_000);
  await expect(alice.getByRole('slider', { name: 'Seek' })).toHaveValue('4000');
  await alice.getByRole('button', { name: 'Play' }).click();
  await expect.poll(async () => (await remoteNoteOns(bob)).length).toBeGreaterThan(atPause + 3);
  const afterSeek = (await heard(bob)).slice(atPause).filter((n) => n.note !== 30);
  expect(afterSeek[0].note).toBe(64);

  // Unticked while it plays: the drone stops, the scale goes on.
  await alice.getByRole('checkbox', { name: 'Track 3' }).uncheck();
  await bob.waitForTimeout(1_000);
  const atUntick = (await remoteNoteOns(bob)).length;
  await expect.poll(async () => (await remoteNoteOns(bob)).length).toBeGreaterThan(atUntick + 2);
  const later = (await remoteNoteOns(bob)).slice(atUntick);
  expect(later.filter((n) => n.note === 30)).toEqual([]);
  expect(later.every((n) => n.note > 64)).toBeTruthy();
});

test('a file that is not MIDI, or empty, is refused in words', async ({ browser, baseURL }) => {
  const alice = await newPlayer(browser, baseURL);
  await createRoom(alice, 'Listening Room');
  await open(alice, 'notes.txt', Buffer.from('t y u [tu] | o p'));
  await expect(alice.getByRole('alert').filter({ hasText: 'Cannot open' }))
    .toContainText('Cannot open notes.txt: MIDI header: not a MIDI file');
  await expect(alice.getByRole('button', { name: 'Play' })).toHaveCount(0);
  await open(alice, 'empty.mid', Buffer.alloc(0));
  await expect(alice.getByRole('alert').filter({ hasText: 'Cannot open' }))
    .toContainText('Cannot open empty.mid: MIDI header: the file is empty');
  // A good file then opens as usual, and the message goes.
  await open(alice, 'one.mid', midiFile([{ name: 'Solo', notes: [{ key: 60, at: 0, length: 100 }] }]));
  await expect(alice.getByRole('checkbox', { name: 'Solo' })).toBeChecked();
  await expect(alice.getByRole('alert').filter({ hasText: 'Cannot open' })).toHaveCount(0);
});
