import { Page, test } from '@playwright/test';
import { createRoom, newPlayer } from '../tests/helpers';

// The note trail at 50 notes a second: frame intervals while it draws (a dropped frame is an
// interval above 1.5 display frames) and the time its drawing takes per frame.

const SECONDS = 5;
const NOTES_PER_SECOND = 50;

test('note trail frames at 50 notes per second', async ({ browser, baseURL }) => {
  const alice = await newPlayer(browser, baseURL);
  await createRoom(alice, 'Busy Trail');
  await alice.getByRole('button', { name: 'Connect MIDI' }).click();
  await alice.getByLabel('MIDI input').waitFor();
  await alice.waitForTimeout(1000);
  const withTrail = await frames(alice);
  await alice.getByLabel('Note trail').uncheck();
  const withoutTrail = await frames(alice);
  console.log(JSON.stringify({ with_trail: withTrail, without_trail: withoutTrail }));
});

function frames(alice: Page): Promise<object> {
  return alice.evaluate(({ seconds, rate }) => new Promise<object>((done) => {
    // Chords of five over two octaves, each held 150 ms: MIDI from a fast player.
    let sent = 0;
    const player = setInterval(() => {
      const note = 48 + (sent * 7) % 24;
      (window as any).__midi([0x90, note, 90]);
      setTimeout(() => (window as any).__midi([0x80, note, 0]), 150);
      sent += 1;
    }, 1000 / rate);
    const intervals: number[] = [];
    let last = performance.now();
    const started = last;
    const frame = (now: number) => {
      intervals.push(now - last);
      last = now;
      if (now - started < seconds * 1000) requestAnimationFrame(frame);
      else {
        clearInterval(player);
        intervals.sort((a, b) => a - b);
        const median = intervals[Math.floor(intervals.length / 2)];
        done({
          notes: sent,
          frames: intervals.length,
          median_frame_ms: +median.toFixed(2),
          p99_frame_ms: +intervals[Math.floor(intervals.length * 0.99)].toFixed(2),
          dropped: intervals.filter((i) => i > median * 1.5).length,
        });
      }
    };
    requestAnimationFrame(frame);
  }), { seconds: SECONDS, rate: NOTES_PER_SECOND });
}
