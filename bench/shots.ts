/**
 * What the screenshot scripts share: the three sizes every changed screen is
 * looked at in, where the PNGs go, and the production app with a Chromium.
 */
import { mkdirSync } from 'node:fs';
import type { Browser, BrowserContextOptions } from 'playwright-core';
import { startApp, type RunningApp } from '../tests/helpers/app.ts';
import { launchBrowser } from '../tests/helpers/browser.ts';

/** A laptop, a phone (touch) and the room's screen. */
export const SIZES = [
	{ name: 'laptop', width: 1366, height: 768, touch: false },
	{ name: 'phone', width: 390, height: 844, touch: true },
	{ name: 'room', width: 1920, height: 1080, touch: false }
] as const;
export type Size = (typeof SIZES)[number];

/** A browser context of this size: its viewport, and touch on a phone. */
export const sizeOptions = (size: Size, more: BrowserContextOptions = {}): BrowserContextOptions => ({
	viewport: { width: size.width, height: size.height },
	hasTouch: size.touch,
	isMobile: size.touch,
	...more
});

/** The directory named on the command line (or `fallback`), made if need be. */
export function shotsDir(fallback = 'screens'): string {
	const out = process.argv[2] ?? fallback;
	mkdirSync(out, { recursive: true });
	return out;
}

/** The built app (run `npm run build` first) and a headless Chromium; `close` stops both. */
export async function startShots(): Promise<{ app: RunningApp; browser: Browser; close(): Promise<void> }> {
	const app = await startApp();
	const browser = await launchBrowser();
	return {
		app,
		browser,
		async close() {
			await browser.close();
			await app.stop();
		}
	};
}
