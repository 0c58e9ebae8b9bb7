import { expect } from 'vitest';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const LAUNCH = {
	executablePath: CHROMIUM_PATH,
	headless: true,
	// Leave signal handling to the test runner or benchmark, which also stop the app.
	handleSIGINT: false,
	handleSIGTERM: false,
	args: [
		'--no-sandbox',
		'--disable-gpu',
		'--disable-background-networking',
		'--disable-component-update',
		'--disable-sync',
		'--disable-quic',
		'--no-first-run'
	]
};

/** Debian's Chromium, headless, with nothing reaching out to the network. */
export function launchBrowser(): Promise<Browser> {
	return chromium.launch(LAUNCH);
}

/**
 * Chromium on a profile directory that outlives it: closing the context quits
 * the browser, and launching again on the same directory is a browser restart
 * (cookies, IndexedDB, localStorage and service workers kept).
 */
export async function launchPersistent(userDataDir: string, options: { offline?: boolean } = {}) {
	const context: BrowserContext = await chromium.launchPersistentContext(userDataDir, {
		...LAUNCH,
		viewport: { width: 1400, height: 1000 },
		offline: options.offline ?? false
	});
	const page: Page = context.pages()[0] ?? (await context.newPage());
	const errors: string[] = [];
	page.on('pageerror', (error) => {
		errors.push(error.message);
		console.error('[page error]', error.stack ?? error.message);
	});
	return { context, page, errors };
}

/** A page in a fresh context (1400×1000 unless `options` say otherwise: a phone's screen, touch). */
export async function newPage(browser: Browser, options: BrowserContextOptions = {}) {
	const context: BrowserContext = await browser.newContext({ ...options, viewport: options.viewport ?? { width: 1400, height: 1000 } });
	const page: Page = await context.newPage();
	/** Uncaught errors in the page; a test asserts there were none. */
	const errors: string[] = [];
	page.on('pageerror', (error) => {
		errors.push(error.message);
		console.error('[page error]', error.stack ?? error.message);
	});
	return { context, page, errors };
}

/** Waits until a note editor has the keyboard focus (it mounts when a note enters edit mode). */
export function editorFocused(page: Page): Promise<void> {
	return expect.poll(() => page.evaluate(() => document.activeElement?.closest('.ProseMirror') != null)).toBe(true);
}

/** Resolves after the page has drawn two more frames (focus moves to a note in the frame after an action). */
export function afterFrames(page: Page): Promise<unknown> {
	return page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
}

/** The session token this browser holds for a practice (its `zw_<practice>` cookie). */
export async function sessionToken(page: Page, practiceId: string): Promise<string> {
	const cookie = (await page.context().cookies()).find((c) => c.name === `zw_${practiceId}`);
	if (!cookie) throw new Error('no session cookie');
	return cookie.value;
}

/** A new person in a fresh browser context who joins by an invite link with a name. */
export async function joinAs(browser: Browser, invite: string, name: string) {
	const person = await newPage(browser);
	await joinOn(person.page, invite, name);
	return person;
}

/** Joins by an invite link with a name on a page already open (a persistent profile's, say). */
export async function joinOn(page: Page, invite: string, name: string): Promise<void> {
	await page.goto(invite);
	await page.getByLabel('Jouw naam').fill(name);
	await page.getByRole('button', { name: 'Meedoen' }).click();
	// Joined once the overview's address is there (the session cookie came with it). Not waiting for
	// the page's `load` too: on a loaded machine a subresource can hold that back for half a minute.
	await page.waitForURL(/\/p\/[^/]+$/, { waitUntil: 'commit' });
	await page.getByRole('heading', { level: 1 }).waitFor();
	await whenReady(page);
}

/**
 * Waits until the page has hydrated (the root layout marks it): a click on
 * the server-rendered page before that is lost, which on a busy machine can
 * take seconds.
 */
export const whenReady = (page: Page): Promise<void> => page.locator('html[data-ready]').waitFor({ state: 'attached' });

/**
 * Puts the facilitator's session in this browser, as one that signed in
 * before would hold it, and opens the overview. (Signing in by link is
 * tested in tests/e2e/device-transfer.test.ts.)
 */
export async function signIn(
	page: Page,
	practice: { readonly id: string; readonly facilitator: { readonly token: string }; readonly links: { readonly practice: string } }
): Promise<void> {
	const url = new URL(practice.links.practice);
	await page.context().addCookies([
		{ name: `zw_${practice.id}`, value: practice.facilitator.token, url: url.origin, httpOnly: true, sameSite: 'Lax' }
	]);
	await page.goto(url.href);
	await whenReady(page);
}
