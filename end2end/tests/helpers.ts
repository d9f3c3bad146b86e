import { Browser, BrowserContext, expect, Page } from '@playwright/test';
import { guard } from './fixtures';
import { oauthControl } from '../playwright.config';

/** Every `pianorhythm:note` event the page dispatches, collected from the start. */
export async function recordNotes(context: BrowserContext) {
  await context.addInitScript(() => {
    (window as any).__notes = [];
    window.addEventListener('pianorhythm:note', (event) => (window as any).__notes.push((event as CustomEvent).detail));
  });
}

/**
 * A fake Web MIDI keyboard and synth: `window.__midi([0x90, 60, 100])` sends a message from the
 * keyboard; `window.__midiOut` holds what was sent to the synth, as `{ data, timestamp }`.
 */
export async function fakeMidi(context: BrowserContext) {
  await context.addInitScript(() => {
    const input: any = { id: 'fake-keyboard', name: 'Test Keyboard', type: 'input', state: 'connected', onmidimessage: null };
    (window as any).__midiOut = [];
    const output: any = {
      id: 'fake-synth', name: 'Test Synth', type: 'output', state: 'connected',
      send: (data: number[], timestamp?: number) => (window as any).__midiOut.push({ data: Array.from(data), timestamp }),
    };
    const access = { inputs: new Map([[input.id, input]]), outputs: new Map([[output.id, output]]), onstatechange: null, sysexEnabled: false };
    (navigator as any).requestMIDIAccess = () => Promise.resolve(access);
    (window as any).__midi = (bytes: number[]) => input.onmidimessage?.({ data: new Uint8Array(bytes) });
  });
}

export async function newPlayer(browser: Browser, baseURL?: string): Promise<Page> {
  const context = await browser.newContext({ baseURL });
  await guard(context);
  await recordNotes(context);
  await fakeMidi(context);
  return context.newPage();
}

export async function online(page: Page) {
  await expect(page.getByRole('status').first()).toHaveAttribute('data-state', 'online', { timeout: 15_000 });
}

export async function createRoom(page: Page, name: string, options: { password?: string; isPrivate?: boolean; maxPlayers?: number } = {}) {
  await page.goto('/');
  await online(page);
  await page.getByRole('button', { name: 'Create room' }).click();
  const dialog = page.getByRole('dialog', { name: 'Create room' });
  await dialog.getByLabel('Room name').fill(name);
  if (options.password) await dialog.getByLabel('Password').fill(options.password);
  await dialog.getByLabel('Max players').fill(String(options.maxPlayers ?? 8));
  if (options.isPrivate) await dialog.getByLabel('Private').check();
  await dialog.getByRole('button', { name: 'Create', exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`/room/${encodeURIComponent(name)}$`));
  // The player list comes with the room's lazily loaded parts, and the player joins once the
  // page is there: on a busy machine, more than an assertion's default 5 s.
  await expect(page.getByRole('list', { name: 'Players' })).toContainText('(you)', { timeout: 15_000 });
}

export async function myName(page: Page): Promise<string> {
  return page.getByLabel('Your name').inputValue();
}

/** Remote note-on events the page has scheduled so far. */
export async function remoteNoteOns(page: Page): Promise<Array<{ note: number; velocity: number; sender: string; sentAt: number; scheduledAt: number }>> {
  return page.evaluate(() => (window as any).__notes.filter((n: any) => n.source === 'remote' && n.on));
}

/** Whoever signs in next at the local provider. */
export async function nextUser(claims: Record<string, string>) {
  const response = await fetch(`${oauthControl}/user`, { method: 'POST', body: JSON.stringify(claims) });
  expect(response.ok).toBeTruthy();
}

/** Signs in from the header's link; a first sign-in keeps the offered usertag. */
export async function signIn(page: Page, subject: string, handle: string) {
  await nextUser({ sub: subject, preferred_username: handle });
  await page.getByRole('link', { name: 'Sign in' }).click();
  await page.getByRole('link', { name: 'Sign in with Local ID' }).click();
  if (page.url().endsWith('/welcome')) {
    // A page behind a lazy route takes its form over once its module is there.
    await online(page);
    await expect(page.getByLabel('Usertag')).toHaveValue(handle);
    await page.getByRole('button', { name: 'Continue' }).click();
  }
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible();
}
