import { Page } from '@playwright/test';
import { test, expect } from './fixtures';
import { readFileSync } from 'node:fs';
import { parseMidi } from 'midi-file';
import { createRoom, newPlayer, online, recordNotes, remoteNoteOns } from './helpers';
import { oauthControl } from '../playwright.config';

async function signIn(page: Page, subject: string, handle: string) {
  const response = await fetch(`${oauthControl}/user`, {
    method: 'POST',
    body: JSON.stringify({ sub: subject, preferred_username: handle }),
  });
  expect(response.ok).toBeTruthy();
  await page.goto('/');
  await page.getByRole('link', { name: 'Sign in' }).click();
  await page.getByRole('link', { name: 'Sign in with Local ID' }).click();
  if (page.url().endsWith('/welcome')) {
    // A page behind a lazy route takes its form over once its module is there.
    await online(page);
    await page.getByRole('button', { name: 'Continue' }).click();
  }
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible();
}

test('a member uploads a Virtual Piano sheet; a player in a room finds it, practises it and plays it to the room in its rhythm', async ({ page, browser, baseURL }) => {
  // A long journey through five pages and three players: more than the default 30 s when the
  // machine runs other tests beside it.
  test.slow();
  await signIn(page, 'satie-1', 'satie');
  await page.goto('/sheets/new');
  await online(page);
  await page.getByLabel('Title').fill('Gnossienne No. 1');
  await page.getByLabel('Category').fill('Classical');
  await page.getByLabel('Difficulty').selectOption('intermediate');
  await page.getByLabel('Tags').fill('slow, mysterious');
  // A broken sheet first: the error names the line and column, next to the file.
  await page.getByLabel('File').setInputFiles({ name: 'broken.txt', mimeType: 'text/plain', buffer: Buffer.from('t y\n[u i') });
  await page.getByRole('button', { name: 'Upload' }).click();
  await expect(page.getByRole('alert')).toContainText('line 2');
  await page.getByLabel('File').setInputFiles({ name: 'gnossienne.txt', mimeType: 'text/plain', buffer: Buffer.from('tempo: 90\nt y u [tu] | o p') });
  await page.getByRole('button', { name: 'Upload' }).click();
  await expect(page).toHaveURL(/\/sheets\/[^/]+$/);
  await expect(page.getByRole('heading', { name: 'Gnossienne No. 1' })).toBeVisible();
  await online(page);

  // The uploader edits it: a mistake shows next to its field, then the change is shown.
  await page.getByText('Edit', { exact: true }).click();
  await page.getByLabel('Title').fill('');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('alert')).toContainText('empty');
  await page.getByLabel('Title').fill('Gnossienne No. 1');
  await page.getByLabel('Tags').fill('slow, mysterious, lent');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText('Saved.')).toBeVisible();
  await expect(page.getByText('slow, mysterious, lent')).toBeVisible();

  // The reader is in a room with a listener, and goes to the library without leaving it.
  const reader = await newPlayer(browser, baseURL);
  const listener = await newPlayer(browser, baseURL);
  await createRoom(reader, 'Recital');
  await listener.goto('/room/Recital');
  await online(listener);
  await expect(listener.getByRole('list', { name: 'Players' })).toContainText('(you)');
  await reader.getByRole('link', { name: 'Sheet music' }).click();
  await expect(reader).toHaveURL(/\/sheets$/);
  await reader.getByLabel('Search sheets').fill('MYSTERIOUS');
  await reader.getByLabel('Search sheets').press('Enter');
  await expect(reader).toHaveURL(/q=MYSTERIOUS/);
  // One sheet found: counted as one, and no pager for a single page.
  await expect(reader.getByText('1 sheet', { exact: true })).toBeVisible();
  await expect(reader.getByRole('navigation', { name: 'Pages' })).toHaveCount(0);
  await reader.getByRole('link', { name: 'Gnossienne No. 1' }).click();
  await expect(reader.getByRole('heading', { name: 'Gnossienne No. 1' })).toBeVisible();
  await expect(reader.getByText('satie')).toBeVisible();
  await expect(reader.getByText('90 bpm', { exact: true })).toBeVisible();
  await expect(reader.getByRole('list', { name: 'Notes' }).getByRole('listitem')).toHaveCount(6);

  // Practice: the sheet plays for the reader alone, the sounding step highlighted.
  const id = reader.url().split('/').pop();
  await reader.getByRole('button', { name: 'Play', exact: true }).click();
  await expect(reader.locator('.sheet-notes li[aria-current="step"]')).toHaveCount(1);
  await reader.getByRole('button', { name: 'Stop' }).click();
  await expect(reader.locator('.sheet-notes li[aria-current="step"]')).toHaveCount(0);
  expect(await remoteNoteOns(listener)).toEqual([]);

  // Into the room: the listener hears every note, stamped in the sheet's rhythm.
  const detail = await (await reader.request.get(`/api/v1/sheet_music/${id}`)).json();
  const expected = [...detail.notes].sort((a: any, b: any) => a.startMs - b.startMs || a.key - b.key);
  await reader.getByRole('button', { name: 'Play in room' }).click();
  await expect(reader.getByText('Playing in Recital')).toBeVisible();
  await expect.poll(async () => (await remoteNoteOns(listener)).length, { timeout: 15_000 }).toBe(expected.length);
  const heard = (await remoteNoteOns(listener)).sort((a, b) => a.scheduledAt - b.scheduledAt || a.note - b.note);
  expect(heard.map((n) => n.note)).toEqual(expected.map((n: any) => n.key));
  for (let i = 1; i < heard.length; i++) {
    const interval = heard[i].scheduledAt - heard[0].scheduledAt;
    const written = expected[i].startMs - expected[0].startMs;
    expect(Math.abs(interval - written), `note ${i}: ${interval} ms, written ${written} ms`).toBeLessThanOrEqual(5);
  }
  const sender = await reader.evaluate(() => (window as any).__notes.find((n: any) => n.source === 'sheet')?.sender);
  expect(heard.every((n) => n.sender === sender)).toBeTruthy();
});

test('a recording of what the room played downloads as a MIDI file', async ({ browser, baseURL }) => {
  const alice = await newPlayer(browser, baseURL);
  const bob = await newPlayer(browser, baseURL);
  await createRoom(alice, 'Studio');
  await bob.goto('/room/Studio');
  await online(bob);
  await expect(bob.getByRole('list', { name: 'Players' })).toContainText('(you)');

  await bob.getByRole('button', { name: 'Record' }).click();
  await expect(bob.getByRole('button', { name: 'Stop recording' })).toBeVisible();
  // Alice plays C, E, G (Virtual Piano keys t, u, o); Bob plays D himself.
  for (const key of ['t', 'u', 'o']) {
    await alice.keyboard.down(key);
    await alice.waitForTimeout(60);
    await alice.keyboard.up(key);
  }
  await expect.poll(async () => (await remoteNoteOns(bob)).length).toBe(3);
  await bob.keyboard.down('y');
  await bob.keyboard.up('y');
  await bob.waitForTimeout(200);
  await bob.getByRole('button', { name: 'Stop recording' }).click();
  await expect(bob.getByText('4 notes recorded.')).toBeVisible();
  // Guests download; keeping it as a sheet is for members.
  await expect(bob.getByRole('button', { name: 'Save as sheet' })).toHaveCount(0);

  const [download] = await Promise.all([
    bob.waitForEvent('download'),
    bob.getByRole('link', { name: 'Download MIDI' }).click(),
  ]);
  expect(download.suggestedFilename()).toBe('recording.mid');
  const midi = parseMidi(readFileSync(await download.path()));
  const noteOns = midi.tracks.flat().filter((event: any) => event.type === 'noteOn' && event.velocity > 0);
  expect(noteOns.map((event: any) => event.noteNumber).sort()).toEqual([60, 62, 64, 67]);
});

test('a dense sheet played into a room meets the note quota, and stops when the player is kicked', async ({ page, browser, baseURL }) => {
  // Two browsers, one of them playing a sheet for 30 s: slow machines need the time.
  test.slow();
  await recordNotes(page.context());
  await signIn(page, 'liszt-1', 'liszt');
  await page.goto('/sheets/new');
  await online(page);
  await page.getByLabel('Title').fill('Storm Etude');
  await page.getByLabel('Category').fill('Classical');
  await page.getByLabel('Difficulty').selectOption('expert');
  await page.getByLabel('Tags').fill('dense');
  // 400 chords of 4 keys, one every eighth note at 400 bpm (75 ms): 53 notes a second for 30 s,
  // long enough that the kick below comes while it plays, however slow the machine.
  const chords = 400;
  const storm = 'tempo: 400\n' + Array(chords).fill('[1234]').join('');
  await page.getByLabel('File').setInputFiles({ name: 'storm.txt', mimeType: 'text/plain', buffer: Buffer.from(storm) });
  await page.getByRole('button', { name: 'Upload' }).click();
  await expect(page.getByRole('heading', { name: 'Storm Etude' })).toBeVisible();

  const host = await newPlayer(browser, baseURL);
  await createRoom(host, 'Rehearsal');
  // A quota of 20 notes a second: the sheet is well over it, yet light enough for a busy machine.
  const settings = host.getByRole('region', { name: 'Room settings' });
  await settings.getByLabel('Notes per second').fill('20');
  await settings.getByRole('button', { name: 'Save settings' }).click();
  await page.goto('/room/Rehearsal');
  await online(page);
  await expect(page.getByRole('list', { name: 'Players' })).toContainText('(you)');
  await page.getByRole('link', { name: 'Sheet music' }).click();
  await page.getByLabel('Search sheets').fill('storm');
  await page.getByLabel('Search sheets').press('Enter');
  await page.getByRole('link', { name: 'Storm Etude' }).click();

  // The room's quota drops what is over it, and the player is told why.
  await page.getByRole('button', { name: 'Play in room' }).click();
  // (33 notes a second over the quota use up its 3 s burst in about 2 s.)
  await expect(page.getByText(/Playing too fast: \d+ notes were not sent \(limit 20 per second\)/))
    .toBeVisible({ timeout: 15_000 });
  await expect.poll(async () => (await remoteNoteOns(host)).length).toBeGreaterThan(0);

  // Kicked out of the room, the sheet stops: nothing more is played or sent.
  await host.getByRole('button', { name: /^Kick / }).click();
  await expect(page.getByText('Playing in Rehearsal')).toHaveCount(0, { timeout: 15_000 });
  const played = () => page.evaluate(() => (window as any).__notes.filter((n: any) => n.source === 'sheet').length);
  const atKick = await played();
  await page.waitForTimeout(1_000);
  expect(await played()).toBe(atKick);
  // Every note-on and note-off of the whole sheet would be 2 × 4 × chords.
  expect(atKick).toBeLessThan(2 * 4 * chords);
});

test('a search that finds nothing says what to try and offers the upload', async ({ page }) => {
  await page.goto('/sheets?q=zzzqqq-no-such-sheet');
  await online(page);
  await expect(page.getByRole('heading', { name: 'No sheet matches' })).toBeVisible();
  await expect(page.getByText('Try fewer words')).toBeVisible();
  await expect(page.getByRole('list', { name: 'Sheets' })).toHaveCount(0);
  await expect(page.getByRole('navigation', { name: 'Pages' })).toHaveCount(0);
  await page.locator('.empty-state').getByRole('link', { name: 'Upload a sheet' }).click();
  await expect(page).toHaveURL(/\/sheets\/new$/);
});
