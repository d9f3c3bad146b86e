import { join } from 'node:path';
import { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { createRoom, myName, newPlayer, online } from './helpers';

// SoundFonts: a player picks a built-in General MIDI instrument, or opens an .sf2 from disk and
// picks one of its presets; players whose page has a SoundFont with that preset hear them with
// it, the others hear them with the built-in instrument of that bank and program once it has
// loaded (the piano until then).

const SOUNDFONT = join(__dirname, '..', 'fixtures', 'test.sf2');

/** The voice of the next note-on the page announces from `source` ('local' or 'remote'). */
async function voiceOfNext(page: Page, source: string, play: () => Promise<void>): Promise<string | null> {
  const before = await page.evaluate(() => (window as any).__notes.length);
  await play();
  const find = (n: number) => page.evaluate(
    ({ n, source }) => (window as any).__notes.slice(n).find((e: any) => e.on && e.source === source),
    { n, source },
  );
  await expect.poll(() => find(before)).toBeTruthy();
  return (await find(before)).voice;
}

/**
 * Taps every AudioWorkletNode the page makes with an AnalyserNode, so a test can tell whether
 * the SoundFont worklet really renders sound: `window.__loudest()` is its current peak.
 */
async function tapWorklets(page: Page) {
  await page.addInitScript(() => {
    const Original = window.AudioWorkletNode;
    (window as any).AudioWorkletNode = class extends Original {
      constructor(context: BaseAudioContext, name: string, options?: AudioWorkletNodeOptions) {
        super(context, name, options);
        const analyser = context.createAnalyser();
        this.connect(analyser);
        (window as any).__loudest = () => {
          const samples = new Float32Array(analyser.fftSize);
          analyser.getFloatTimeDomainData(samples);
          return samples.reduce((peak, sample) => Math.max(peak, Math.abs(sample)), 0);
        };
      }
    };
  });
}

/** The instrument list (not its search field, "Search instruments"). */
function picker(page: Page) {
  return page.getByRole('combobox', { name: 'Instrument', exact: true });
}

async function openSoundFont(page: Page) {
  await page.getByLabel('SoundFont').setInputFiles(SOUNDFONT);
  await expect(picker(page)).toContainText('Test Square (0:80)');
}

/** The peak of the SoundFont worklet's output (0 before there is a worklet). */
function loudest(page: Page): Promise<number> {
  return page.evaluate(() => (window as any).__loudest?.() ?? 0);
}

test('a SoundFont from disk switches the voice; players who have it hear it, the others the built-in instrument', async ({ browser, baseURL }) => {
  test.slow(); // decoding audio in the page is slow when the machine is shared
  const alice = await newPlayer(browser, baseURL);
  const bob = await newPlayer(browser, baseURL);
  const carol = await newPlayer(browser, baseURL);
  await tapWorklets(alice);
  await createRoom(alice, 'Band');
  for (const page of [bob, carol]) {
    await page.goto('/room/Band');
    await online(page);
    await page.getByRole('heading', { name: 'Instrument' }).click(); // the gesture that starts audio
  }
  const aliceName = await myName(alice);
  await expect(carol.getByRole('list', { name: 'Players' })).toContainText(aliceName);

  await openSoundFont(alice);
  await expect(picker(alice)).toHaveValue('');
  await picker(alice).selectOption('0:80');
  expect(await alice.evaluate(() => (window as any).__loudest())).toBe(0);
  expect(await voiceOfNext(alice, 'local', () => alice.keyboard.down('z'))).toBe('soundfont');
  // The worklet renders the square wave while the key is held.
  await expect.poll(() => alice.evaluate(() => (window as any).__loudest())).toBeGreaterThan(0.01);
  await alice.keyboard.up('z');
  // The choice is part of Alice's profile in the room.
  const aliceEntry = bob.getByRole('listitem').filter({ hasText: aliceName });
  await expect(aliceEntry).toContainText('♪ Test Square');

  // Bob has the same SoundFont: he hears Alice with it. Carol has none: the built-in General
  // MIDI instrument of that bank and program (Lead 1, a square too), once her page has it.
  await openSoundFont(bob);
  expect(await voiceOfNext(bob, 'remote', () => alice.keyboard.press('x'))).toBe('soundfont');
  await expect
    .poll(() => voiceOfNext(carol, 'remote', () => alice.keyboard.press('c')), { timeout: 20_000 })
    .toBe('soundfont');
  // Bob's own notes stay on the piano: he has not picked a preset.
  expect(await voiceOfNext(bob, 'local', () => bob.keyboard.press('z'))).not.toBe('soundfont');

  // A program change travels with the notes: the kit (bank 128) and at once a note.
  await picker(alice).selectOption('128:0');
  expect(await voiceOfNext(bob, 'remote', () => alice.keyboard.press('v'))).toBe('soundfont');
  await expect(aliceEntry).toContainText('♪ Test Kit');

  // Back to the grand piano: everyone hears the piano.
  await picker(alice).selectOption('');
  await expect(aliceEntry).not.toContainText('♪');
  expect(await voiceOfNext(bob, 'remote', () => alice.keyboard.press('b'))).not.toBe('soundfont');
  expect(await voiceOfNext(alice, 'local', () => alice.keyboard.press('n'))).not.toBe('soundfont');
});

test('the chosen instrument is kept: after a reload the player plays it and newcomers see it', async ({ browser, baseURL }) => {
  test.slow(); // decoding audio in three pages at once is slow when the machine is shared
  const alice = await newPlayer(browser, baseURL);
  const bob = await newPlayer(browser, baseURL);
  await createRoom(alice, 'Kept');
  await bob.goto('/room/Kept');
  await online(bob);
  const aliceName = await myName(alice);
  const aliceIn = (page: Page) => page.getByRole('list', { name: 'Players' }).getByRole('listitem').filter({ hasText: aliceName });
  await alice.getByRole('heading', { name: 'Instrument' }).click(); // the gesture that starts audio
  await openSoundFont(alice);
  await picker(alice).selectOption('0:80');
  await expect(aliceIn(bob)).toContainText('♪ Test Square');

  // Reloaded, the page is told the kept choice and the room shows it without Alice doing anything.
  await alice.reload();
  await online(alice);
  await expect(aliceIn(alice)).toContainText('♪ Test Square');
  const carol = await newPlayer(browser, baseURL);
  await carol.goto('/room/Kept');
  await online(carol);
  await expect(aliceIn(carol)).toContainText('♪ Test Square');
  // With the SoundFont open again, the preset is already chosen and plays.
  await alice.getByRole('heading', { name: 'Instrument' }).click();
  await openSoundFont(alice);
  await expect(picker(alice)).toHaveValue('0:80');
  expect(await voiceOfNext(alice, 'local', () => alice.keyboard.press('z'))).toBe('soundfont');

  // Back to the grand piano: the next visit starts on the piano.
  await picker(alice).selectOption('');
  await expect(aliceIn(bob)).not.toContainText('♪');
  await alice.reload();
  await online(alice);
  await expect(aliceIn(alice)).toContainText(aliceName);
  await expect(aliceIn(alice)).not.toContainText('♪');
  expect(await voiceOfNext(alice, 'local', () => alice.keyboard.press('x'))).not.toBe('soundfont');
});

test('a file that is not a SoundFont is refused in words, and the piano plays on', async ({ browser, baseURL }) => {
  const alice = await newPlayer(browser, baseURL);
  await createRoom(alice, 'Wrong file');
  await alice.getByLabel('SoundFont').setInputFiles({
    name: 'song.sf2',
    mimeType: 'application/octet-stream',
    buffer: Buffer.from('RIFF\x04\x00\x00\x00WAVE'),
  });
  await expect(alice.getByRole('alert')).toContainText('This file cannot be played');
  // It offers no presets: the list has the built-in instruments alone.
  await expect(picker(alice).locator('optgroup[label="song.sf2"]')).toHaveCount(0);
  await expect(picker(alice)).toHaveValue('');
  expect(await voiceOfNext(alice, 'local', () => alice.keyboard.press('z'))).not.toBe('soundfont');
});

test('a built-in instrument picked by one player is heard with it by another; the search narrows the list', async ({ browser, baseURL }) => {
  // Two pages, each compiling the SoundFont player and the second loading the violin: on a
  // machine busy with other work, more than the default 30 s.
  test.slow();
  const alice = await newPlayer(browser, baseURL);
  const bob = await newPlayer(browser, baseURL);
  await tapWorklets(bob);
  // Bob's page fetches an instrument's file only when someone plays it, and once.
  const fetched: string[] = [];
  bob.on('request', (request) => {
    const path = new URL(request.url()).pathname;
    if (path.startsWith('/instruments/')) fetched.push(path);
  });
  await createRoom(alice, 'Strings');
  await bob.goto('/room/Strings');
  await online(bob);
  await bob.getByRole('heading', { name: 'Instrument' }).click(); // the gesture that starts audio
  const aliceName = await myName(alice);
  await expect(bob.getByRole('list', { name: 'Players' })).toContainText(aliceName);
  expect(await voiceOfNext(bob, 'remote', () => alice.keyboard.press('z'))).not.toBe('soundfont');

  // The list offers General MIDI's instruments by family; a search narrows it.
  await expect(picker(alice).locator('optgroup[label="Strings"] option')).toHaveCount(8);
  await expect(picker(alice).locator('optgroup')).toHaveCount(17);
  await alice.getByLabel('Search instruments').fill('viol');
  await expect(picker(alice).locator('option')).toHaveText(['Grand piano', 'Violin', 'Viola']);
  await picker(alice).selectOption({ label: 'Violin' });
  await alice.getByLabel('Search instruments').fill('');
  await expect(picker(alice).locator('option', { hasText: 'Cello' })).toHaveCount(1);
  await expect(picker(alice)).toHaveValue('0:40');
  const aliceEntry = bob.getByRole('listitem').filter({ hasText: aliceName });
  await expect(aliceEntry).toContainText('♪ Violin');
  await alice.getByRole('heading', { name: 'Instrument' }).click(); // the keys play again

  // Bob's page loads the violin as soon as Alice picks it; her notes then sound with it.
  await expect
    .poll(() => voiceOfNext(bob, 'remote', () => alice.keyboard.press('x')), { timeout: 45_000 })
    .toBe('soundfont');
  await alice.keyboard.down('c');
  await expect.poll(() => loudest(bob)).toBeGreaterThan(0.001);
  await alice.keyboard.up('c');
  const violins = fetched.filter((path) => /^\/instruments\/0-40\.[0-9a-f]+\.sf2$/.test(path));
  expect(violins).toHaveLength(1);
  expect(fetched.filter((path) => path.endsWith('.sf2'))).toEqual(violins);
});
