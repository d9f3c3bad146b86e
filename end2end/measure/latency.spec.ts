import { test } from '@playwright/test';
import { createRoom, newPlayer, online, remoteNoteOns } from '../tests/helpers';

const NOTES = 80; // 10 s of 16th notes at 120 BPM
const INTERVAL_MS = 125;

function percentile(sorted: number[], p: number) {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

test('key press to remote scheduled playback, and rhythm fidelity', async ({ browser, baseURL }) => {
  const alice = await newPlayer(browser, baseURL);
  const bob = await newPlayer(browser, baseURL);
  await createRoom(alice, 'Metronome');
  await bob.goto('/room/Metronome');
  await online(bob);
  await bob.waitForTimeout(3000); // let the clock sync settle

  // A steady player: key events dispatched on the page's own timer, as a keyboard would.
  await alice.evaluate(({ notes, interval }) => new Promise<void>((done) => {
    const start = performance.now() + 50;
    for (let i = 0; i < notes; i++) {
      const at = start + i * interval;
      setTimeout(() => window.dispatchEvent(new KeyboardEvent('keydown', { code: 'KeyT', key: 't' })), at - performance.now());
      setTimeout(() => window.dispatchEvent(new KeyboardEvent('keyup', { code: 'KeyT', key: 't' })), at + 60 - performance.now());
    }
    setTimeout(done, notes * interval + 200);
  }), { notes: NOTES, interval: INTERVAL_MS });
  await bob.waitForTimeout(500);

  const sent: number[] = await alice.evaluate(() => (window as any).__notes.filter((n: any) => n.source === 'local' && n.on).map((n: any) => n.sentAt));
  const heard = (await remoteNoteOns(bob)).map((n) => n.scheduledAt);
  if (heard.length !== sent.length) throw new Error(`sent ${sent.length} notes, ${heard.length} scheduled`);

  const latency = heard.map((at, i) => at - sent[i]).sort((a, b) => a - b);
  const deviations = heard.slice(1).map((at, i) => Math.abs((at - heard[i]) - (sent[i + 1] - sent[i])));
  const result = {
    notes: sent.length,
    latency_p50_ms: +percentile(latency, 50).toFixed(2),
    latency_p95_ms: +percentile(latency, 95).toFixed(2),
    latency_max_ms: +latency[latency.length - 1].toFixed(2),
    rhythm_max_deviation_ms: +Math.max(...deviations).toFixed(2),
    rhythm_median_deviation_ms: +[...deviations].sort((a, b) => a - b)[Math.floor(deviations.length / 2)].toFixed(3),
  };
  console.log('MEASUREMENT ' + JSON.stringify(result));
});
