import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from '@playwright/test';

// scripts/test.sh picks a free port and points E2E_SERVER_BIN at the built server.
const port = Number(process.env.E2E_PORT ?? 3100);
const baseURL = `http://127.0.0.1:${port}`;

export default defineConfig({
  testDir: './tests',
  timeout: 30_000,
  workers: 1,
  retries: 0,
  reporter: 'list',
  use: {
    baseURL,
    launchOptions: {
      // Debian's Chromium: Playwright's own browser download is not available here.
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  webServer: {
    command: process.env.E2E_SERVER_BIN ?? '../target/debug/server',
    url: `${baseURL}/health`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'ignore',
    stderr: 'pipe',
    env: {
      LEPTOS_SITE_ADDR: `127.0.0.1:${port}`,
      // A fresh store per run: rooms and chat persist, and earlier runs must not leak in.
      DATA_DIR: mkdtempSync(join(tmpdir(), 'pianorhythm-e2e-')),
      RUST_LOG: 'warn',
      // Every browser context connects from 127.0.0.1: let that address carry as many players
      // as the suite opens, as an operator would for a known gateway. Per-player limits stay.
      GUESTS_PER_ADDRESS: '100',
      MAX_CONNECTIONS_PER_ADDRESS: '1000',
    },
  },
});
