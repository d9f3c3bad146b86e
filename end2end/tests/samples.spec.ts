import { BrowserContext, Page, Route } from '@playwright/test';
import { expect, guard, test } from './fixtures';
import { createRoom, online, recordNotes } from './helpers';

// The sampled grand piano: the synthesizer until samples arrive, a small first set that makes
// every key play a sample, the rest in the background, all cacheable for a year.

type Listed = { note: number; layer: number; file: string; bytes: number; first: boolean };

/** Holds back sample files until `open` is called for them. */
class Gate {
  private opened = false;
  private waiting: Array<() => void> = [];
  async pass(route: Route) {
    if (!this.opened) await new Promise<void>((resolve) => this.waiting.push(resolve));
    await route.continue();
  }
  open() {
    this.opened = true;
    this.waiting.splice(0).forEach((resolve) => resolve());
  }
}

async function pianist(context: BrowserContext): Promise<Page> {
  await guard(context, { withSamples: true });
  await recordNotes(context);
  return context.newPage();
}

/** Plays D6 (the `z` key of the default layout) and says which voice sounded it. */
async function voiceOfD6(page: Page): Promise<string | null> {
  const before = await page.evaluate(() => (window as any).__notes.length);
  await page.keyboard.press('z');
  await expect.poll(() => page.evaluate((n) => (window as any).__notes.length > n, before)).toBe(true);
  return page.evaluate((n) => (window as any).__notes.slice(n).find((e: any) => e.on && e.source === 'local')?.voice ?? null, before);
}

test('the synthesizer plays until samples arrive, the small first set brings the piano, the rest follows', async ({ browser, baseURL }) => {
  test.slow(); // decoding audio in the page is slow when the machine is shared
  const context = await browser.newContext({ baseURL });
  const list: { samples: Listed[] } = await (await context.request.get('/samples/piano.json')).json();
  const first = list.samples.filter((sample) => sample.first);
  const firstBytes = first.reduce((sum, sample) => sum + sample.bytes, 0);
  expect(first.length).toBeGreaterThan(0);
  expect(firstBytes).toBeLessThan(2_000_000);
  expect(new Set(list.samples.map((sample) => sample.layer)).size).toBeGreaterThanOrEqual(3);

  const firstGate = new Gate();
  const restGate = new Gate();
  const firstFiles = new Set(first.map((sample) => sample.file));
  const served = new Map<string, { bytes: number; cache: string | undefined }>();
  await context.route('**/samples/*.mp3', (route) => {
    const file = new URL(route.request().url()).pathname.split('/').pop()!;
    return (firstFiles.has(file) ? firstGate : restGate).pass(route);
  });
  const page = await pianist(context);
  page.on('response', async (response) => {
    if (!response.url().endsWith('.mp3')) return;
    const file = new URL(response.url()).pathname.split('/').pop()!;
    served.set(file, { bytes: (await response.body()).length, cache: response.headers()['cache-control'] });
  });
  await createRoom(page, 'Grand'); // its clicks are the gesture that starts audio

  // Nothing has arrived: the synthesizer plays.
  await expect(page.locator('.samples')).toContainText(`loading samples (0 of ${list.samples.length})`);
  expect(await voiceOfD6(page)).toBe('synth');

  // The first set alone makes C4 a recorded piano, having fetched no more than its budget.
  firstGate.open();
  await expect(page.locator('.samples')).toContainText(`loading samples (${first.length} of ${list.samples.length})`);
  expect(await voiceOfD6(page)).toBe('piano');
  await expect.poll(() => served.size).toBe(first.length);
  expect([...served.keys()].sort()).toEqual([...firstFiles].sort());
  const fetched = [...served.values()].reduce((sum, file) => sum + file.bytes, 0);
  expect(fetched).toBe(firstBytes);
  for (const file of served.values()) expect(file.cache).toBe('public, max-age=31536000, immutable');

  // The rest loads in the background, every file of it.
  restGate.open();
  await expect(page.locator('.samples')).toContainText(`grand piano (${list.samples.length} samples)`, { timeout: 60_000 });
  await expect.poll(() => served.size).toBe(list.samples.length);
  expect(await voiceOfD6(page)).toBe('piano');
});

/** How many samples the page says have loaded. */
async function samplesLoaded(page: Page): Promise<number> {
  const status = (await page.locator('.samples').textContent()) ?? '';
  const match = status.match(/\((\d+) of \d+\)/) ?? status.match(/\((\d+) samples\)/);
  return match ? Number(match[1]) : 0;
}

test('another player hears the piano too', async ({ browser, baseURL }) => {
  const firstSet = (await (await fetch(`${baseURL}/samples/piano.json`)).json()).samples.filter((s: Listed) => s.first).length;
  const alice = await pianist(await browser.newContext({ baseURL }));
  const bob = await pianist(await browser.newContext({ baseURL }));
  await createRoom(alice, 'Salon');
  await bob.goto('/room/Salon');
  await online(bob);
  await bob.getByRole('heading', { name: 'Instrument' }).click(); // the gesture that starts audio
  for (const page of [alice, bob]) {
    await expect.poll(() => samplesLoaded(page), { timeout: 30_000 }).toBeGreaterThanOrEqual(firstSet);
  }
  await expect(bob.getByRole('list', { name: 'Players' })).toContainText(await alice.getByLabel('Your name').inputValue());
  await alice.keyboard.press('z');
  await expect
    .poll(() => bob.evaluate(() => (window as any).__notes.find((n: any) => n.source === 'remote' && n.on)?.voice))
    .toBe('piano');
});

test('sample voices reuse the envelopes of voices that have stopped', async ({ browser, baseURL }) => {
  test.slow(); // decoding audio in the page is slow when the machine is shared
  // Every audio node a note makes is one more for the browser to delete later on the page's
  // main thread; in a dense room those deletions come in bursts that block the page.
  const context = await browser.newContext({ baseURL });
  await context.addInitScript(() => {
    // The page's own context only: the samples are decoded by offline ones.
    const made = ((window as any).__audioNodesMade = { gains: 0, players: 0 });
    const base = BaseAudioContext.prototype as any;
    const createGain = base.createGain;
    const createBufferSource = base.createBufferSource;
    const proto = AudioContext.prototype as any;
    proto.createGain = function (...args: any[]) { made.gains += 1; return createGain.apply(this, args); };
    proto.createBufferSource = function (...args: any[]) { made.players += 1; return createBufferSource.apply(this, args); };
  });
  const page = await pianist(context);
  await createRoom(page, 'Etude'); // its clicks are the gesture that starts audio
  // Every sample in: a layer arriving meanwhile would bring voices of its own.
  await expect(page.locator('.samples')).toContainText('grand piano (', { timeout: 60_000 });
  await expect.poll(() => voiceOfD6(page), { timeout: 30_000 }).toBe('piano');

  const made = () => page.evaluate(() => ({ ...(window as any).__audioNodesMade }));
  const strike = async (times: number) => {
    for (let i = 0; i < times; i += 1) await page.keyboard.press('z');
  };
  await strike(12);
  // Their releases stop the recordings within 0.64 s: then their envelopes are free. The
  // browser says so a little later, later still on a busy machine.
  await page.waitForTimeout(3_000);
  const before = await made();
  await strike(12);
  await expect.poll(async () => (await made()).players - before.players).toBe(12);
  expect((await made()).gains - before.gains, 'envelopes made anew').toBe(0);
});
