import { expect, test } from './fixtures';
import { createRoom, myName, newPlayer, online } from './helpers';

test('the lobby is rendered on the server, before any JavaScript runs', async ({ request }) => {
  const response = await request.get('/');
  expect(response.status()).toBe(200);
  const html = await response.text();
  expect(html).toContain('Lobby');
  expect(html).toContain('data-state="offline"');
});

test('the page hydrates and the client connects: the indicator turns online', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto('/');
  await expect(page.getByRole('list', { name: 'Rooms' })).toContainText('Lobby');
  // Only the running WebAssembly client can do this: open /ws and complete a clock-sync exchange.
  const indicator = page.getByRole('status');
  await expect(indicator).toHaveAttribute('data-state', 'online');
  await expect(indicator).toHaveText(/online · \d+ ms/);
  expect(errors).toEqual([]);
});

test('the client reconnects after its connection drops', async ({ page }) => {
  // The app's WebSocket lives in a worker: record the connections the page asks it to open,
  // so the test can cut one as a network failure would.
  await page.addInitScript(() => {
    const workers: Worker[] = [];
    (window as any).__workers = workers;
    (window as any).__opened = 0;
    const NativeWorker = window.Worker;
    window.Worker = class extends NativeWorker {
      constructor(url: string | URL, options?: WorkerOptions) {
        super(url, options);
        workers.push(this);
      }
      postMessage(message: any, transfer?: any) {
        if (message?.open) (window as any).__opened += 1;
        super.postMessage(message, transfer);
      }
    } as typeof Worker;
  });
  await page.goto('/');
  const indicator = page.getByRole('status');
  await expect(indicator).toHaveAttribute('data-state', 'online');
  await page.evaluate(() => (window as any).__workers.at(-1).postMessage({ close: true }));
  await expect(indicator).not.toHaveAttribute('data-state', 'online');
  await expect(indicator).toHaveAttribute('data-state', 'online', { timeout: 15_000 });
  expect(await page.evaluate(() => (window as any).__opened)).toBe(2);
});

test('an unknown address shows the not-found page with status 404', async ({ page }) => {
  const response = await page.goto('/no/such/room');
  expect(response?.status()).toBe(404);
  await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
});

test('rooms are found by name, ordered by players, name or age, and full ones can be hidden', async ({ page, browser, baseURL }) => {
  // Beta (one player), then Alpha (full with its one place), then Gamma (two players).
  const beta = await newPlayer(browser, baseURL);
  await createRoom(beta, 'Finder Beta');
  const alpha = await newPlayer(browser, baseURL);
  await createRoom(alpha, 'Finder Alpha', { maxPlayers: 1 });
  const gamma = await newPlayer(browser, baseURL);
  await createRoom(gamma, 'Finder Gamma');
  const guest = await newPlayer(browser, baseURL);
  await guest.goto('/room/Finder%20Gamma');
  await expect(guest.getByRole('list', { name: 'Players' }).getByRole('listitem')).toHaveCount(2);

  await page.goto('/');
  await online(page);
  const listed = page.getByRole('list', { name: 'Rooms' }).locator('.room-name');
  await page.getByLabel('Search rooms').fill('  FINDER ');
  await expect(listed).toHaveText(['Finder Gamma', 'Finder Alpha', 'Finder Beta']);
  await page.getByLabel('Sort by').selectOption({ label: 'Name' });
  await expect(listed).toHaveText(['Finder Alpha', 'Finder Beta', 'Finder Gamma']);
  await page.getByLabel('Sort by').selectOption({ label: 'Newest' });
  await expect(listed).toHaveText(['Finder Gamma', 'Finder Alpha', 'Finder Beta']);
  await page.getByLabel('Hide full rooms').check();
  await expect(listed).toHaveText(['Finder Gamma', 'Finder Beta']);
  // Cleared, the Lobby is first again; a name nothing has says so.
  await page.getByLabel('Search rooms').fill('');
  await expect(listed.first()).toHaveText('Lobby');
  await page.getByLabel('Search rooms').fill('no such room');
  await expect(page.getByRole('status').filter({ hasText: 'No room matches.' })).toBeVisible();
});

test('each room\'s card shows who is playing, whether it is full or asks a password, and how long it has been going; rooms visited lately come first', async ({ page, browser, baseURL }) => {
  const host = await newPlayer(browser, baseURL);
  await createRoom(host, 'Card Duo', { maxPlayers: 2 });
  const hostName = await myName(host);
  const locked = await newPlayer(browser, baseURL);
  await createRoom(locked, 'Card Locked', { password: 'sesame' });

  await page.goto('/');
  await online(page);
  const card = (name: string) => page.getByRole('list', { name: 'Rooms' }).getByRole('listitem').filter({ has: page.locator('.room-name', { hasText: name }) });
  await expect(card('Card Duo').getByRole('list', { name: 'Playing' })).toHaveText(hostName);
  await expect(card('Card Duo')).toContainText('1 / 2');
  await expect(card('Card Duo')).toContainText(/Started just now|Active for \d+ min/);
  await expect(card('Card Duo')).not.toContainText('Full');
  await expect(card('Card Locked')).toContainText('Password');

  // A second player fills it: the card names both and says it is full.
  const second = await newPlayer(browser, baseURL);
  await second.goto('/room/Card%20Duo');
  await expect(second.getByRole('list', { name: 'Players' }).getByRole('listitem')).toHaveCount(2);
  await expect(card('Card Duo').getByRole('list', { name: 'Playing' }).getByRole('listitem')).toHaveCount(2);
  await expect(card('Card Duo')).toContainText('Full');

  // The one room this player was in lately comes right after the Lobby, whatever the order.
  await page.goto('/room/Card%20Locked');
  await page.getByLabel('Room password').fill('sesame');
  await page.getByRole('button', { name: 'Join' }).click();
  await expect(page.getByRole('list', { name: 'Players' })).toContainText('(you)');
  await page.getByRole('link', { name: 'PianoRhythm' }).click();
  const listed = page.getByRole('list', { name: 'Rooms' }).locator('.room-name');
  await expect(listed.nth(1)).toHaveText('Card Locked');
  await page.getByLabel('Sort by').selectOption({ label: 'Name' });
  await expect(listed.nth(1)).toHaveText('Card Locked');
});

test('"Create room" and "Join" work before the page is live: their forms post to the server', async ({ browser, baseURL, request }) => {
  const context = await browser.newContext({ baseURL, javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto('/');
  // The dialog is a popover: it opens without any script.
  await page.getByRole('button', { name: 'Create room' }).click();
  const dialog = page.getByRole('dialog', { name: 'Create room' });
  await dialog.getByLabel('Room name').fill('Before Live');
  await dialog.getByLabel('Max players').fill('4');
  await dialog.getByRole('button', { name: 'Create', exact: true }).click();
  // The server made the room and answered with its page.
  await expect(page).toHaveURL(/\/room\/Before%20Live$/);
  await expect(page.getByRole('heading', { name: 'Before Live' })).toBeVisible();
  const rooms = await (await request.get('/api/v1/rooms/active')).json();
  expect(rooms.find((room: { name: string }) => room.name === 'Before Live')).toMatchObject({ maxPlayers: 4, playerCount: 0 });

  await page.goto('/');
  await page.getByLabel('Room', { exact: true }).fill(' Lobby ');
  await page.getByRole('button', { name: 'Join' }).click();
  await expect(page).toHaveURL(/\/room\/Lobby$/);
  await context.close();
});
