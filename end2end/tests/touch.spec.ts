import { Browser, Page } from '@playwright/test';
import { guard } from './fixtures';
import { expect, test } from './fixtures';
import { createRoom, recordNotes } from './helpers';

// Phones and tablets: keys wide enough for a finger, the range that fits shown and moved an
// octave at a time, several fingers at once with velocity, and the page still under them.

async function touchPlayer(browser: Browser, baseURL: string | undefined, width: number, height: number): Promise<Page> {
  const context = await browser.newContext({ baseURL, viewport: { width, height }, hasTouch: true, isMobile: true });
  await guard(context);
  await recordNotes(context);
  return context.newPage();
}

/** The white keys wholly in view: their notes and widths, left to right. */
function whiteKeysInView(page: Page): Promise<Array<{ note: number; width: number }>> {
  return page.evaluate(() => {
    const view = document.querySelector('.piano-viewport')!.getBoundingClientRect();
    return Array.from(document.querySelectorAll<HTMLElement>('.key.white'))
      .map((key) => ({ note: Number(key.dataset.note), rect: key.getBoundingClientRect() }))
      .filter(({ rect }) => rect.left >= view.left - 1 && rect.right <= view.right + 1)
      .map(({ note, rect }) => ({ note, width: rect.width }));
  });
}

test('on a phone: a playable range around middle C, moved by octaves, two fingers at once, no page scroll', async ({ browser, baseURL }) => {
  const page = await touchPlayer(browser, baseURL, 390, 844);
  await createRoom(page, 'Pocket');
  const keys = await whiteKeysInView(page);
  expect(keys.length).toBeGreaterThanOrEqual(8);
  for (const key of keys) expect(key.width).toBeGreaterThanOrEqual(36);
  expect(keys[0].note).toBe(48); // C3: an octave below middle C
  await page.getByRole('button', { name: 'Higher ▶' }).click();
  await expect.poll(async () => (await whiteKeysInView(page))[0].note).toBe(60);
  await page.getByRole('button', { name: '◀ Lower' }).click();
  await expect.poll(async () => (await whiteKeysInView(page))[0].note).toBe(48);

  // Two fingers: C4 struck near the front (loud), E4 near the back (soft), then both slide
  // up the screen, which would scroll a page that let them.
  const c4 = (await page.locator('[data-note="60"]').boundingBox())!;
  const e4 = (await page.locator('[data-note="64"]').boundingBox())!;
  const scroll = () => page.evaluate(() => [window.scrollX, window.scrollY, window.visualViewport?.scale ?? 1]);
  const before = await scroll();
  const cdp = await page.context().newCDPSession(page);
  const fingers = (dy: number) => [
    { x: c4.x + c4.width / 2, y: c4.y + c4.height * 0.9 - dy, id: 1 },
    { x: e4.x + e4.width / 2, y: e4.y + e4.height * 0.2 - dy, id: 2 },
  ];
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: fingers(0) });
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: fingers(150) });
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
  const played = await page.evaluate(() => (window as any).__notes.filter((n: any) => n.source === 'local' && n.on));
  expect(played.map((n: any) => n.note).sort()).toEqual([60, 64]);
  const velocity = (note: number) => played.find((n: any) => n.note === note).velocity;
  expect(velocity(60)).toBeGreaterThan(velocity(64));
  expect(await scroll()).toEqual(before);
});

test('on a tablet: the keys keep a finger\'s width and more of the piano fits', async ({ browser, baseURL }) => {
  const page = await touchPlayer(browser, baseURL, 768, 1024);
  await createRoom(page, 'Slate');
  const keys = await whiteKeysInView(page);
  expect(keys.length).toBeGreaterThanOrEqual(14); // two octaves and more
  for (const key of keys) expect(key.width).toBeGreaterThanOrEqual(36);
});
