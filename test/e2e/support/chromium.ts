import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/** Debian's Chromium (CI installs the `chromium` package); never a downloaded browser. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** The flags every test browser runs with: headless, no sandbox (containers), nothing talking to the network by itself. */
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Whether the browser tests can run: outside CI a missing Chromium skips them with a printed reason;
 * in CI it is a failure (the suite must not pass vacuously).
 */
export function chromiumSkipReason(): string | false {
  if (fs.existsSync(CHROMIUM_PATH)) return false;
  const reason = `Chromium not found at ${CHROMIUM_PATH} (set CHROMIUM_PATH or install the chromium package): browser tests skipped`;
  if (process.env.CI) throw new Error(`${reason.split(':')[0]}: browser tests cannot run in CI without it`);
  process.stderr.write(`${reason}\n`);
  return reason;
}

export interface TestChromium {
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

/** One Chromium per test file, with a fresh profile directory that is removed afterwards. */
export async function launchChromium(options: { locale?: string } = {}): Promise<TestChromium> {
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'trustgate-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_FLAGS,
    viewport: { width: 1000, height: 800 },
    // the browser's language (navigator.language and Accept-Language)
    ...(options.locale ? { locale: options.locale } : {}),
  });
  context.setDefaultTimeout(15_000);
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    close: async () => {
      await context.close().catch(() => undefined);
      fs.rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

const SCREENSHOTS = path.resolve('test-output', 'screenshots');

/** Saves a full-page screenshot under test-output/screenshots/ (git-ignored) for review. */
export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  const file = path.join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
