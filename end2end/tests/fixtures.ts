import { BrowserContext, expect, test as base } from '@playwright/test';

/**
 * Every test fails on any Content-Security-Policy violation or uncaught page error, in the
 * default `page` and in every context made with `guard` (see helpers.newPlayer).
 */
const problems: string[] = [];

/**
 * Records CSP violations and page errors of every page `context` opens from now on.
 *
 * Its pages get an empty list of piano samples, so they play the synthesizer: a test that is
 * not about the samples does not download and decode 17 MB of them in every browser context.
 * `withSamples` keeps the real list (samples.spec.ts).
 */
export async function guard(context: BrowserContext, options: { withSamples?: boolean } = {}) {
  if (!options.withSamples) {
    await context.route('**/samples/piano.json', (route) => route.fulfill({ json: { samples: [] } }));
  }
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      console.error(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI || 'inline'}`);
    });
  });
  const watch = (page: import('@playwright/test').Page) => {
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      const text = message.text();
      if (text.startsWith('CSP violation') || text.includes('Content Security Policy')) {
        problems.push(text);
      }
    });
  };
  context.pages().forEach(watch);
  context.on('page', watch);
}

/** For a test that provokes a violation on purpose: forgets the problems seen so far. */
export function forgetProblems() {
  problems.length = 0;
}

export const test = base.extend<{ noPageProblems: void }>({
  context: async ({ context }, use) => {
    await guard(context);
    await use(context);
  },
  noPageProblems: [
    async ({}, use) => {
      problems.length = 0;
      await use();
      expect(problems, 'CSP violations and page errors').toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };
