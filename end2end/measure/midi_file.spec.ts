import { test } from '@playwright/test';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRoom, newPlayer } from '../tests/helpers';
import { FileTrack, midiFile, noteOnsOf } from '../tests/midi';
import { RawChromium } from './cdp';
import base from '../playwright.config';

const ROOM = 'Concert Hall';
const SECONDS = 10;
/** Every 20 ms a three-note chord and a run of three notes between chords: 300 notes a second. */
const BLOCK_MS = 20;

function percentile(sorted: number[], p: number) {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function denseFile(): FileTrack[] {
  const chords: FileTrack = { name: 'Chords', notes: [] };
  const runs: FileTrack = { name: 'Runs', notes: [] };
  for (let block = 0; block < (SECONDS * 1000) / BLOCK_MS; block++) {
    const at = block * BLOCK_MS;
    const root = 48 + (block % 12);
    for (const key of [root, root + 4, root + 7]) chords.notes.push({ key, at, length: BLOCK_MS - 2 });
    for (let step = 1; step <= 3; step++) runs.notes.push({ key: 72 + ((block * 3 + step) % 24), at: at + step * 5, length: 4, channel: 1 });
  }
  return [chords, runs];
}

/**
 * What the sender's page records: its frames (requestAnimationFrame deltas), long tasks, and
 * how far ahead of its time each note of the file left (its stamp minus the moment it was sent).
 */
const INSTRUMENTS = `
  window.__frames = []; window.__longTasks = []; window.__leads = [];
  window.addEventListener('pianorhythm:note', (event) => {
    if (event.detail.source === 'sheet' && event.detail.on) window.__leads.push(event.detail.sentAt - event.detail.receivedAt);
  });
  (() => {
    let last;
    const frame = (t) => { if (last !== undefined) window.__frames.push(t - last); last = t; requestAnimationFrame(frame); };
    requestAnimationFrame(frame);
    new PerformanceObserver((list) => window.__longTasks.push(...list.getEntries().map((e) => e.duration))).observe({ type: 'longtask' });
  })();`;
/** The main-thread ticker as it was: without workers the sheet player ticks on the page's own interval. */
const NO_WORKERS = `Object.defineProperty(window, 'Worker', { value: undefined });`;

test('a 300-notes-a-second MIDI file sent from a visible and a hidden tab, ticked by the page or by a worker', async ({ browser, baseURL }) => {
  test.setTimeout(300_000);
  const tracks = denseFile();
  const file = join(mkdtempSync(join(tmpdir(), 'pianorhythm-midi-')), 'dense.mid');
  writeFileSync(file, midiFile(tracks));
  const written = noteOnsOf(tracks).map((note) => note.at);

  // The listener owns the room and lets 1,000 notes a second through.
  const listener = await newPlayer(browser, baseURL);
  await createRoom(listener, ROOM);
  await listener.getByLabel('Notes per second').fill('1000');
  await listener.getByRole('button', { name: 'Save settings' }).click();
  await listener.waitForTimeout(500);

  const results: any[] = [];
  for (const ticker of ['page', 'worker'] as const) {
    for (const hidden of [false, true]) {
      const sender = await RawChromium.launch((base.use!.launchOptions!.args ?? []) as string[]);
      try {
        const { sessionId } = await sender.firstPage();
        await sender.send('Page.enable', {}, sessionId);
        await sender.send('Page.addScriptToEvaluateOnNewDocument', { source: INSTRUMENTS + (ticker === 'page' ? NO_WORKERS : '') }, sessionId);
        await sender.send('Page.navigate', { url: `${baseURL}/room/${encodeURIComponent(ROOM)}` }, sessionId);
        await sender.waitFor(sessionId, `!!document.querySelector('[data-state="online"]') && !!document.querySelector('section[aria-label="MIDI file"] input[type=file]')`);
        await sender.waitFor(sessionId, `[...document.querySelectorAll('[aria-label="Players"] li')].length >= 2`);
        await new Promise((resolve) => setTimeout(resolve, 2_000)); // the clock sync settles
        const { result } = await sender.send('Runtime.evaluate', { expression: `document.querySelector('section[aria-label="MIDI file"] input[type=file]')` }, sessionId);
        await sender.send('DOM.setFileInputFiles', { files: [file], objectId: result.objectId }, sessionId);
        const play = `[...document.querySelectorAll('[aria-label="MIDI file player"] button')].find((b) => b.textContent === 'Play')`;
        await sender.waitFor(sessionId, `!!${play} && !${play}.disabled`);
        await listener.evaluate(() => { (window as any).__notes.length = 0; });
        await sender.evaluate(sessionId, `window.__frames.length = 0; window.__longTasks.length = 0; window.__leads.length = 0; ${play}.click(); 1`);
        let cover: string | undefined;
        if (hidden) {
          // Another tab in front, in the same window: the sender's page is a background tab.
          cover = (await sender.send('Target.createTarget', { url: 'about:blank', newWindow: false, background: false })).targetId;
        }
        await new Promise((resolve) => setTimeout(resolve, 500));
        const visibility = await sender.evaluate(sessionId, 'document.visibilityState');
        const status = `document.querySelector('[aria-label="MIDI file player"] [role=status]').textContent`;
        await sender.waitFor(sessionId, `${status} === ''`, (SECONDS + 30) * 1000);
        await listener.waitForTimeout(500);
        if (cover) await sender.send('Target.closeTarget', { targetId: cover });
        const frames: number[] = (await sender.evaluate(sessionId, 'window.__frames')).sort((a: number, b: number) => a - b);
        const longTasks: number[] = await sender.evaluate(sessionId, 'window.__longTasks');
        const leads: number[] = (await sender.evaluate(sessionId, 'window.__leads')).sort((a: number, b: number) => a - b);
        const notes = (await listener.evaluate(() => (window as any).__notes.filter((n: any) => n.source === 'remote' && n.on)))
          .sort((a: any, b: any) => a.scheduledAt - b.scheduledAt || a.note - b.note);
        const heard: number[] = notes.map((n: any) => n.scheduledAt);
        // A note that arrived after its time plays at once (sent late, or received late).
        const late = notes.filter((n: any) => n.scheduledAt <= n.receivedAt).length;
        const count = Math.min(heard.length, written.length);
        const errors = [];
        for (let i = 1; i < count; i++) errors.push(Math.abs((heard[i] - heard[i - 1]) - (written[i] - written[i - 1])));
        errors.sort((a, b) => a - b);
        results.push({
          ticker,
          visibility,
          notes_written: written.length,
          notes_heard: heard.length,
          interval_error_p50_ms: +percentile(errors, 50).toFixed(2),
          interval_error_p95_ms: +percentile(errors, 95).toFixed(2),
          interval_error_max_ms: +errors[errors.length - 1].toFixed(2),
          intervals_off_by_1ms_or_more: errors.filter((e) => e >= 1).length,
          notes_sent_late: leads.filter((lead) => lead < 0).length,
          send_lead_min_ms: +leads[0].toFixed(1),
          send_lead_p5_ms: +percentile(leads, 5).toFixed(1),
          notes_played_late: late,
          frames: frames.length,
          frame_p50_ms: frames.length ? +percentile(frames, 50).toFixed(1) : null,
          frame_p99_ms: frames.length ? +percentile(frames, 99).toFixed(1) : null,
          frames_over_50ms: frames.filter((f) => f > 50).length,
          long_tasks: longTasks.length,
          long_task_max_ms: longTasks.length ? Math.max(...longTasks) : 0,
        });
        console.log('MEASUREMENT ' + JSON.stringify(results[results.length - 1]));
      } finally {
        await sender.close();
      }
    }
  }
  console.table(results);
});
