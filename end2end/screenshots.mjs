// The main pages in both themes at a laptop's and a phone's size, for the README:
//   node screenshots.mjs <base URL> <folder>   (scripts/screenshots.sh starts the server)
// A few guests fill the lobby first, so its cards show who is playing.
import { chromium } from 'playwright';

const [base, out] = process.argv.slice(2);
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox'] });

/** A guest in `room`, created with `maxPlayers` places when it does not exist yet. */
async function guestIn(room, maxPlayers) {
  const page = await (await browser.newContext({ baseURL: base })).newPage();
  await page.goto('/');
  await page.locator('.connection[data-state="online"]').waitFor();
  if (maxPlayers) {
    await page.getByRole('button', { name: 'Create room' }).click();
    const dialog = page.getByRole('dialog', { name: 'Create room' });
    await dialog.getByLabel('Room name').fill(room);
    await dialog.getByLabel('Max players').fill(String(maxPlayers));
    await dialog.getByRole('button', { name: 'Create', exact: true }).click();
  } else {
    await page.goto(`/room/${encodeURIComponent(room)}`);
  }
  await page.getByRole('list', { name: 'Players' }).getByText('(you)').waitFor();
}
await guestIn('Jazz Lounge', 8);
await guestIn('Jazz Lounge');
await guestIn('Chopin Études', 2);
await guestIn('Chopin Études');
await guestIn('Lobby');
await guestIn('Lobby');

const pages = [['lobby', '/'], ['room', '/room/Lobby'], ['sheets', '/sheets']];
for (const theme of ['dark', 'light']) {
  for (const [size, viewport] of [['wide', { width: 1366, height: 800 }], ['phone', { width: 390, height: 844 }]]) {
    const context = await browser.newContext({ baseURL: base, viewport, deviceScaleFactor: 1 });
    await context.addCookies([{ name: 'theme', value: theme, url: base }]);
    const page = await context.newPage();
    for (const [name, path] of pages) {
      await page.goto(path);
      await page.locator('.connection[data-state="online"]').waitFor();
      await page.waitForLoadState('networkidle');
      // A first gesture turns the sound on, and its prompt goes.
      await page.locator('h1').click();
      await page.waitForTimeout(300);
      await page.screenshot({ path: `${out}/${name}-${theme}-${size}.png` });
    }
    await context.close();
  }
}
await browser.close();
