import { expect, forgetProblems, test } from './fixtures';
import { createRoom, online } from './helpers';

// The fixture fails any test on a CSP violation or page error; this one loads every page.
test('every page works under its Content-Security-Policy', async ({ page }) => {
  await createRoom(page, 'CSP Check');
  for (const path of ['/', '/room/CSP%20Check', '/no/such/page']) {
    const response = await page.goto(path);
    const headers = response!.headers();
    expect(headers['content-security-policy'], path).toContain("'nonce-");
    expect(headers['content-security-policy'], path).toContain("frame-ancestors 'none'");
    expect(headers['x-content-type-options'], path).toBe('nosniff');
    // Hydrated and connected: the wasm and the WebSocket were allowed.
    await online(page);
    if (path.startsWith('/room/')) {
      await expect(page.getByRole('list', { name: 'Players' })).toContainText('(you)');
    }
  }
});

test('an inline script without the nonce is refused', async ({ page }) => {
  await page.goto('/');
  await online(page);
  const reported = page.waitForEvent('console', (message) => message.text().startsWith('CSP violation'));
  const ran = await page.evaluate(() => {
    (window as any).__injected = false;
    const script = document.createElement('script');
    script.textContent = 'window.__injected = true;';
    document.body.appendChild(script);
    return (window as any).__injected;
  });
  expect(ran).toBe(false);
  expect((await reported).text()).toContain('script-src');
  // That violation was the point of this test.
  forgetProblems();
});
