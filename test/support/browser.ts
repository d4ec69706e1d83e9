/**
 * Headless Chromium for the report pages' tests, driven by puppeteer-core: Debian's `chromium`
 * (CHROMIUM_PATH, default /usr/bin/chromium). Under CI=true a missing browser FAILS the test; on a laptop
 * it is a skip that says what to install.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import puppeteer, { type Browser } from 'puppeteer-core';
import { ROOT } from './cli.ts';
import { inCI } from './services.ts';

export function chromiumPath(): string {
  return process.env.CHROMIUM_PATH || '/usr/bin/chromium';
}

/** The browser, or undefined after skipping the test (outside CI) when there is none. */
export async function launchChromium(t: TestContext): Promise<Browser | undefined> {
  const path = chromiumPath();
  if (!existsSync(path)) {
    const why = `no Chromium at ${path}: install Debian's chromium package or set CHROMIUM_PATH`;
    if (inCI) throw new Error(`${why} (CI=true: a missing browser is a failure, not a skip)`);
    t.skip(why);
    return undefined;
  }
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  return puppeteer.launch({
    executablePath: path,
    headless: true,
    // As root (CI containers) Chromium refuses to start with its sandbox.
    args: [...(root ? ['--no-sandbox'] : []), '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run', '--no-default-browser-check'],
  });
}

/** test-artifacts/ at the repository root (gitignored): screenshots CI keeps. */
export function artifactPath(name: string): string {
  const dir = join(ROOT, 'test-artifacts');
  mkdirSync(dir, { recursive: true });
  return join(dir, name);
}
