import { Page } from '@playwright/test';
import { test, expect } from './fixtures';
import { newPlayer } from './helpers';
import { oauthControl } from '../playwright.config';

async function signIn(page: Page, subject: string, handle: string) {
  const response = await fetch(`${oauthControl}/user`, {
    method: 'POST',
    body: JSON.stringify({ sub: subject, preferred_username: handle }),
  });
  expect(response.ok).toBeTruthy();
  await page.goto('/');
  await page.getByRole('link', { name: 'Sign in' }).click();
  await page.getByRole('link', { name: 'Sign in with Local ID' }).click();
  if (page.url().endsWith('/welcome')) {
    await page.getByRole('button', { name: 'Continue' }).click();
  }
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible();
}

test('a member uploads a Virtual Piano sheet; another browser finds it and opens it', async ({ page, browser, baseURL }) => {
  await signIn(page, 'satie-1', 'satie');
  await page.goto('/sheets/new');
  await page.getByLabel('Title').fill('Gnossienne No. 1');
  await page.getByLabel('Category').fill('Classical');
  await page.getByLabel('Difficulty').selectOption('intermediate');
  await page.getByLabel('Tags').fill('slow, mysterious');
  // A broken sheet first: the error names the line and column, next to the file.
  await page.getByLabel('File').setInputFiles({ name: 'broken.txt', mimeType: 'text/plain', buffer: Buffer.from('t y\n[u i') });
  await page.getByRole('button', { name: 'Upload' }).click();
  await expect(page.getByRole('alert')).toContainText('line 2');
  await page.getByLabel('File').setInputFiles({ name: 'gnossienne.txt', mimeType: 'text/plain', buffer: Buffer.from('tempo: 90\nt y u [tu] | o p') });
  await page.getByRole('button', { name: 'Upload' }).click();
  await expect(page).toHaveURL(/\/sheets\/[^/]+$/);
  await expect(page.getByRole('heading', { name: 'Gnossienne No. 1' })).toBeVisible();

  const reader = await newPlayer(browser, baseURL);
  await reader.goto('/sheets');
  await reader.getByLabel('Search sheets').fill('MYSTERIOUS');
  await reader.getByLabel('Search sheets').press('Enter');
  await expect(reader).toHaveURL(/q=MYSTERIOUS/);
  await reader.getByRole('link', { name: 'Gnossienne No. 1' }).click();
  await expect(reader.getByRole('heading', { name: 'Gnossienne No. 1' })).toBeVisible();
  await expect(reader.getByText('satie')).toBeVisible();
  await expect(reader.getByText('90 bpm')).toBeVisible();
  await expect(reader.getByRole('list', { name: 'Notes' }).getByRole('listitem')).toHaveCount(6);
});
