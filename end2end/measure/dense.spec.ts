import { Browser, Page, test } from '@playwright/test';
import { loadavg } from 'node:os';
import { guard } from '../tests/fixtures';
import { online, recordNotes, remoteNoteOns } from '../tests/helpers';
import { percentile, round, spread } from './figures';
import { buildLoader, startLoader } from './loader';

// Dense music: ten players (the loadtest crate's WebSocket bots, so the machine's cores go to
// the page) play 100 notes a second each into one room for 30 s: chords and runs over the whole
// keyboard, every note released, the sustain pedal down and up. One browser page sits in the
// room with sound on and the note trail drawing, and records its frames, long tasks, audio
// underruns, the ping its header shows, and the notes it was given; and, as a reference on the
// same busy or quiet machine, its frames and ping for a few seconds before the music.

const ROOM = 'Dense Music';
const PLAYERS = 10;
const RATE = 100; // note-ons a second per player
const SECONDS = 30;
const QUIET_SECONDS = 6;

test('a page in a room playing 1,000 notes a second', async ({ browser, baseURL }) => {
  test.setTimeout(30 * 60_000); // the loader's first release build can take minutes
  buildLoader();

  const loader = startLoader([
    '--url', baseURL!.replace(/^http/, 'ws'),
    '--room', ROOM, '--players', `${PLAYERS}`, '--senders', `${PLAYERS}`,
    '--rate', `${RATE}`, '--duration', `${SECONDS}`, '--music', '--start-on-stdin',
  ]);
  try {
    await loader.waitFor(/waiting for a line on stdin/);
    const page = await listener(browser, baseURL!);
    // The same page in the same room before the music: its frames and ping on this machine now.
    const quiet = await page.evaluate(record, { seconds: QUIET_SECONDS });
    const pingBefore = quiet.pings;
    const loadBefore = loadavg();
    const recording = page.evaluate(record, { seconds: SECONDS });
    loader.start();
    const figures = await recording;
    const atEnd = (await remoteNoteOns(page)).length;
    const catchUp = await caughtUp(page);
    const sent = await loader.report();
    const received = await remoteNoteOns(page);
    if (received.length === 0) throw new Error('no note reached the page');

    const during = figures.pings;
    console.log('MEASUREMENT ' + JSON.stringify({
      players: PLAYERS,
      notes_per_second: PLAYERS * RATE,
      seconds: SECONDS,
      notes_sent: sent.notes_sent,
      notes_received_by_the_end: atEnd,
      notes_received: received.length,
      catch_up_s: catchUp,
      quiet_fps: quiet.frames.fps,
      quiet_frame_p99_ms: quiet.frames.frame_p99_ms,
      ...figures.frames,
      ...figures.longTasks,
      audio: figures.audio,
      ping_before_ms: round(percentile(pingBefore, 50), 1),
      ping_during_p50_ms: round(percentile(during, 50), 1),
      ping_during_max_ms: round(Math.max(...during), 1),
      ping_growth_ms: round(percentile(during, 50) - percentile(pingBefore, 50), 1),
      ...spread('transit', received.map((n) => n.receivedAt - n.sentAt)),
      server_p99_ms_to_bots: sent.p99_ms,
      load_average_before: loadBefore.map((load) => round(load)),
      load_average_after: loadavg().map((load) => round(load)),
    }));
  } finally {
    loader.stop();
  }
});

/** The page under measurement: in the room, sound on (the real piano samples, loaded), trail on. */
async function listener(browser: Browser, baseURL: string): Promise<Page> {
  const context = await browser.newContext({ baseURL });
  await guard(context, { withSamples: true });
  await recordNotes(context);
  await context.addInitScript(() => {
    const w = window as any;
    // Long tasks from the start; the window's are picked out later.
    w.__longTasks = [];
    try {
      new PerformanceObserver((list) => list.getEntries().forEach((e) => w.__longTasks.push({ start: e.startTime, duration: e.duration })))
        .observe({ type: 'longtask', buffered: true });
    } catch { /* not supported: reported as none */ }
    // Every AudioContext the page makes, to read its playback statistics.
    w.__audioContexts = [];
    const Original = window.AudioContext;
    if (Original) {
      w.AudioContext = class extends Original {
        constructor(...args: any[]) {
          super(...args);
          w.__audioContexts.push(this);
        }
      };
    }
  });
  const page = await context.newPage();
  const samples = samplesSettled(page);
  await page.goto(`/room/${encodeURIComponent(ROOM)}`);
  await online(page);
  await page.getByRole('list', { name: 'Players' }).getByText('(you)').waitFor();
  await page.getByRole('heading', { name: ROOM, level: 1 }).click(); // a user gesture: sound starts
  await samples;
  return page;
}

/** Resolves once the page has fetched piano samples and fetched none for 3 s (at most 90 s). */
function samplesSettled(page: Page): Promise<void> {
  let pending = 0;
  let done = 0;
  let quietSince = Date.now();
  const isSample = (url: string) => url.endsWith('.mp3');
  page.on('request', (r) => { if (isSample(r.url())) pending += 1; });
  const finished = (r: { url(): string }) => {
    if (!isSample(r.url())) return;
    pending -= 1;
    done += 1;
    quietSince = Date.now();
  };
  page.on('requestfinished', finished);
  page.on('requestfailed', finished);
  const started = Date.now();
  return new Promise((resolve) => {
    const check = setInterval(() => {
      const settled = done > 0 && pending === 0 && Date.now() - quietSince > 3000;
      if (settled || Date.now() - started > 90_000) {
        clearInterval(check);
        resolve();
      }
    }, 200);
  });
}

/**
 * Seconds after the music stopped until the page has handled what it was sent: until its count
 * of notes stays put for 2 s (at most a minute).
 */
async function caughtUp(page: Page): Promise<number> {
  const started = Date.now();
  let count = -1;
  let steadySince = Date.now();
  while (Date.now() - started < 60_000) {
    const now = await page.evaluate(() => (window as any).__notes.length);
    if (now !== count) {
      count = now;
      steadySince = Date.now();
    } else if (Date.now() - steadySince >= 2000) {
      break;
    }
    await page.waitForTimeout(250);
  }
  return round((steadySince - started) / 1000, 1);
}

/** Runs in the page for `seconds` s: frames, long tasks, audio underruns and the shown ping. */
function record({ seconds }: { seconds: number }) {
  const w = window as any;
  const audioStats = () => {
    const context = w.__audioContexts[w.__audioContexts.length - 1];
    const stats = context?.playbackStats;
    return stats
      ? { events: stats.underrunEvents, duration: stats.underrunDuration, total: stats.totalDuration, clock: context.currentTime }
      : context ? { clock: context.currentTime } : null;
  };
  const readPing = () => {
    const text = document.querySelector('[role="status"][data-state]')?.textContent ?? '';
    const ms = Number(/(\d+(?:\.\d+)?)\s*ms/.exec(text)?.[1]);
    return Number.isFinite(ms) ? ms : null;
  };
  return new Promise<any>((done) => {
    const started = performance.now();
    const audioBefore = audioStats();
    const pings: number[] = [];
    const pinger = setInterval(() => { const ms = readPing(); if (ms !== null) pings.push(ms); }, 1000);
    const frames: number[] = []; // frame start times
    const frame = (now: number) => {
      frames.push(now);
      if (now - started < seconds * 1000) {
        requestAnimationFrame(frame);
        return;
      }
      clearInterval(pinger);
      const deltas = frames.slice(1).map((at, i) => at - frames[i]);
      const perSecond = Array.from({ length: seconds }, (_, s) =>
        frames.filter((at) => at - started >= s * 1000 && at - started < (s + 1) * 1000).length);
      const sorted = [...deltas].sort((a, b) => a - b);
      const longTasks = w.__longTasks.filter((t: any) => t.start >= started && t.start <= now);
      const audioAfter = audioStats();
      const elapsed = (now - started) / 1000;
      let audio: any = 'not reported';
      if (audioBefore && audioAfter && 'events' in audioBefore && audioAfter.total > audioBefore.total) {
        audio = {
          underrun_events: audioAfter.events - audioBefore.events,
          underrun_ms: Math.round((audioAfter.duration - audioBefore.duration) * 1e4) / 10,
          played_s: Math.round((audioAfter.total - audioBefore.total) * 100) / 100,
        };
      } else if (audioBefore) {
        audio = 'not reported (no playbackStats, or it did not advance)';
      } else {
        audio = 'no AudioContext';
      }
      const audioClock = audioBefore && audioAfter ? Math.round((audioAfter.clock - audioBefore.clock) * 100) / 100 : null;
      done({
        frames: {
          frames: frames.length,
          fps: Math.round((frames.length / elapsed) * 10) / 10,
          fps_lowest_second: Math.min(...perSecond),
          fps_per_second: perSecond,
          frame_p99_ms: Math.round(sorted[Math.floor(sorted.length * 0.99)] * 10) / 10,
          frame_max_ms: Math.round(sorted[sorted.length - 1] * 10) / 10,
          frames_over_50_ms: deltas.filter((d) => d > 50).length,
        },
        longTasks: {
          long_tasks: longTasks.length,
          long_task_longest_ms: Math.round(Math.max(0, ...longTasks.map((t: any) => t.duration))),
        },
        audio: { underruns: audio, audio_clock_advanced_s: audioClock, wall_s: Math.round(elapsed * 100) / 100 },
        pings,
      });
    };
    requestAnimationFrame(frame);
  });
}
