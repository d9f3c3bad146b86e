// Measurements, not tests: `npx playwright test --config measure.config.ts` prints figures.
// Kept out of the test run because timing on a shared machine is not a pass/fail matter.
import base from './playwright.config';
import { defineConfig } from '@playwright/test';

export default defineConfig({ ...base, testDir: './measure', timeout: 120_000 });
