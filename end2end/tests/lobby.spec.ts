import { expect, test } from './fixtures';

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
