import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from '@playwright/test';

// scripts/test.sh picks a free port and points E2E_SERVER_BIN at the built server.
const port = Number(process.env.E2E_PORT ?? 3100);
const baseURL = `http://127.0.0.1:${port}`;
// The local OpenID Connect provider (oauth/provider.mjs) and its control server.
const oauthPort = Number(process.env.E2E_OAUTH_PORT ?? 3190);
const oauthControlPort = Number(process.env.E2E_OAUTH_CONTROL_PORT ?? 3191);
export const oauthIssuer = `http://127.0.0.1:${oauthPort}`;
export const oauthControl = `http://127.0.0.1:${oauthControlPort}`;

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
  webServer: [{
    command: `node oauth/provider.mjs ${oauthPort} ${oauthControlPort}`,
    url: `${oauthIssuer}/.well-known/openid-configuration`,
    reuseExistingServer: false,
    timeout: 30_000,
    stdout: 'ignore',
    stderr: 'pipe',
    env: { OAUTH_PROVIDER_DETACHED: '1' },
  }, {
    command: process.env.E2E_SERVER_BIN ?? '../target/debug/server',
    url: `${baseURL}/health`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'ignore',
    stderr: 'pipe',
    env: {
      LEPTOS_SITE_ADDR: `127.0.0.1:${port}`,
      METRICS_ADDR: '127.0.0.1:0',
      // A fresh store per run: rooms and chat persist, and earlier runs must not leak in.
      DATA_DIR: mkdtempSync(join(tmpdir(), 'pianorhythm-e2e-')),
      RUST_LOG: 'warn',
      // Every browser context connects from 127.0.0.1: let that address carry as many players
      // as the suite opens, as an operator would for a known gateway. Per-player limits stay.
      GUESTS_PER_ADDRESS: '100',
      MAX_CONNECTIONS_PER_ADDRESS: '1000',
      // Sign-in through the local provider; its `root-1` and the accessibility scan's curators are admins.
      OAUTH_LOCAL_CLIENT_ID: 'pianorhythm',
      OAUTH_LOCAL_CLIENT_SECRET: 'secret',
      OAUTH_LOCAL_AUTH_URL: `${oauthIssuer}/authorize`,
      OAUTH_LOCAL_TOKEN_URL: `${oauthIssuer}/token`,
      OAUTH_LOCAL_USERINFO_URL: `${oauthIssuer}/userinfo`,
      OAUTH_LOCAL_SCOPES: 'openid profile',
      OAUTH_LOCAL_LABEL: 'Local ID',
      ADMINS: 'local:root-1,local:curator-dark,local:curator-light',
    },
  }],
});
