import { Browser, Page, test } from '@playwright/test';
import { createRoom, newPlayer, online, remoteNoteOns } from '../tests/helpers';
import { percentile, round, spread } from './figures';
import { startJitterProxy } from './jitter-proxy';

// Key press in one browser to scheduled playback in another, and how well the remote player
// keeps the rhythm: on a quiet loopback, then with the listener behind a jittery path.

const NOTES = 80; // 10 s of 16th notes at 120 BPM
const INTERVAL_MS = 125;
const MAX_JITTER_MS = 40;

test('key press to remote scheduled playback, and rhythm fidelity', async ({ browser, baseURL }) => {
  const result = await playTogether(browser, baseURL!, baseURL!, 'Metronome');
  console.log('MEASUREMENT ' + JSON.stringify(result));
});

test(`the same with 0–${MAX_JITTER_MS} ms of jitter on every chunk to the listener`, async ({ browser, baseURL }) => {
  const proxy = await startJitterProxy(Number(new URL(baseURL!).port), MAX_JITTER_MS);
  try {
    // The listener's page, and so its WebSocket, come through the proxy; the sender's do not.
    // Only the chunks held while the rhythm plays count, not the page's loading.
    const listenerURL = `http://127.0.0.1:${proxy.port}`;
    const result = await playTogether(browser, baseURL!, listenerURL, 'Jittery Metronome', () => (proxy.delays.length = 0));
    console.log('MEASUREMENT ' + JSON.stringify({
      ...result,
      jitter_max_injected_ms: MAX_JITTER_MS,
      jitter_chunks: proxy.delays.length,
      ...spread('jitter', proxy.delays),
    }));
  } finally {
    await proxy.close();
  }
});

/**
 * Alice plays a steady rhythm in `room` from `senderURL`; Bob listens from `listenerURL`.
 * `playing` is called as the rhythm starts.
 */
async function playTogether(browser: Browser, senderURL: string, listenerURL: string, room: string, playing = () => {}) {
  const alice = await newPlayer(browser, senderURL);
  const bob = await newPlayer(browser, listenerURL);
  await createRoom(alice, room);
  await bob.goto(`/room/${encodeURIComponent(room)}`);
  await online(bob);
  await bob.waitForTimeout(3000); // let the clock sync settle
  playing();
  await playRhythm(alice);
  await bob.waitForTimeout(500);

  const sent: number[] = await alice.evaluate(() => (window as any).__notes.filter((n: any) => n.source === 'local' && n.on).map((n: any) => n.sentAt));
  const heard = (await remoteNoteOns(bob)).map((n) => n.scheduledAt);
  if (heard.length !== sent.length) throw new Error(`sent ${sent.length} notes, ${heard.length} scheduled`);

  const latency = heard.map((at, i) => at - sent[i]);
  const deviations = heard.slice(1).map((at, i) => Math.abs((at - heard[i]) - (sent[i + 1] - sent[i])));
  await alice.context().close();
  await bob.context().close();
  return {
    notes: sent.length,
    ...spread('latency', latency),
    rhythm_median_deviation_ms: round(percentile(deviations, 50), 3),
    rhythm_p95_deviation_ms: round(percentile(deviations, 95), 3),
    rhythm_max_deviation_ms: round(Math.max(...deviations)),
  };
}

/** A steady player: key events dispatched on the page's own timer, as a keyboard would. */
function playRhythm(alice: Page): Promise<void> {
  return alice.evaluate(({ notes, interval }) => new Promise<void>((done) => {
    const start = performance.now() + 50;
    for (let i = 0; i < notes; i++) {
      const at = start + i * interval;
      setTimeout(() => window.dispatchEvent(new KeyboardEvent('keydown', { code: 'KeyT', key: 't' })), at - performance.now());
      setTimeout(() => window.dispatchEvent(new KeyboardEvent('keyup', { code: 'KeyT', key: 't' })), at + 60 - performance.now());
    }
    setTimeout(done, notes * interval + 200);
  }), { notes: NOTES, interval: INTERVAL_MS });
}
