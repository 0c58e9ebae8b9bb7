import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { RunningApp } from '../tests/helpers/app.ts';
import { newPage } from '../tests/helpers/browser.ts';
import type { SeededBoard } from './seed.ts';
import { median } from './stats.ts';

/** Builds the production app (what startApp serves) unless ./build/handler.js exists. Returns ms, or null if it existed. */
export function ensureBuild(root: string): number | null {
	if (existsSync(join(root, 'build', 'handler.js'))) return null;
	console.log('  ./build/handler.js is missing: running `vite build` first (not part of any figure)…');
	const t0 = performance.now();
	execFileSync(process.execPath, [join(root, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'error'], {
		cwd: root,
		stdio: ['ignore', 'ignore', 'inherit']
	});
	return performance.now() - t0;
}

export interface BrowserRun {
	/** Node's clock: from page.goto() to all notes (with text) in the DOM. */
	readonly wallMs: number;
	/** The page's clock: from navigation start to all notes in the DOM. */
	readonly pageMs: number;
	/** The page's clock: DOMContentLoaded finished (the app's JS can start). */
	readonly domContentLoadedMs: number;
	/** The page's clock: the first note appeared. */
	readonly firstNoteMs: number;
	/** The page's clock: all collective notes were in the DOM. */
	readonly collectiveMs: number;
	/** Chromium's own accounting (CDP Performance.getMetrics) up to that point: JavaScript, and style + layout. */
	readonly scriptMs: number;
	readonly styleLayoutMs: number;
}

export interface BrowserResult {
	readonly firstVisit: BrowserRun;
	readonly runs: readonly BrowserRun[];
	readonly median: BrowserRun;
	readonly notesInDom: number;
	readonly collectiveNotes: number;
	readonly pageErrors: readonly string[];
}

/**
 * Runs in the page. Watches the DOM from the very start of the document and
 * resolves with page-clock times once `expected` notes are present and every
 * one of them shows its text.
 */
function installWatcher(expected: { total: number; collective: number }): void {
	const w = window as unknown as { __bench?: { firstNote: number; collective: number; done: number } };
	const state = { firstNote: 0, collective: 0, done: 0 };
	w.__bench = state;
	const check = () => {
		const notes = document.querySelectorAll('article.note');
		if (notes.length && !state.firstNote) state.firstNote = performance.now();
		if (
			!state.collective &&
			document.querySelectorAll('section[data-lane-key="collective"] article.note').length >= expected.collective
		) {
			state.collective = performance.now();
		}
		if (notes.length < expected.total) return;
		for (const n of notes) if (!n.querySelector('.note-text')?.textContent) return;
		state.done = performance.now();
		observer.disconnect();
	};
	const observer = new MutationObserver(check);
	observer.observe(document, { childList: true, subtree: true, characterData: true });
}

async function timedVisit(
	context: BrowserContext,
	url: string,
	expected: { total: number; collective: number },
	errors: string[]
): Promise<BrowserRun> {
	// Let the previous tab's teardown (and the server's unloading) finish first.
	await new Promise((r) => setTimeout(r, 1000));
	const page: Page = await context.newPage();
	page.on('pageerror', (error) => errors.push(error.message));
	try {
		const cdp = await context.newCDPSession(page);
		await cdp.send('Performance.enable');
		await page.addInitScript(installWatcher, expected);
		const t0 = performance.now();
		await page.goto(url, { waitUntil: 'commit' });
		await page.waitForFunction(() => (window as unknown as { __bench?: { done: number } }).__bench?.done, undefined, {
			timeout: 120000,
			polling: 50
		});
		// The MutationObserver fixed the page-side time; Node's side is only as precise as the 50 ms poll.
		const marks = await page.evaluate(() => {
			const b = (window as unknown as { __bench: { firstNote: number; collective: number; done: number } }).__bench;
			const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
			return { ...b, dcl: nav?.domContentLoadedEventEnd ?? NaN, now: performance.now() };
		});
		const wallMs = performance.now() - t0 - (marks.now - marks.done);
		const { metrics } = await cdp.send('Performance.getMetrics');
		const metric = (name: string) => (metrics.find((m) => m.name === name)?.value ?? NaN) * 1000;
		await cdp.detach();
		return {
			wallMs,
			pageMs: marks.done,
			domContentLoadedMs: marks.dcl,
			firstNoteMs: marks.firstNote,
			collectiveMs: marks.collective,
			scriptMs: metric('ScriptDuration'),
			styleLayoutMs: metric('RecalcStyleDuration') + metric('LayoutDuration')
		};
	} finally {
		await page.close();
	}
}

/**
 * Opens the seeded board in Chromium: a first visit (nothing cached in the
 * browser; documents read from SQLite by the server), then `runs` repeat
 * visits in fresh tabs of the same browser profile.
 */
export async function benchBrowser(browser: Browser, app: RunningApp, board: SeededBoard, runs: number): Promise<BrowserResult> {
	const { context, page, errors } = await newPage(browser);
	try {
		// The sign-in link, confirmed, sets the session cookie and redirects to the practice page.
		await page.goto(`${app.url}${board.signInLink}`);
		await Promise.all([page.waitForURL(/\/p\/[^/]+$/, { waitUntil: 'commit' }), page.getByRole('button', { name: /^Doorgaan als / }).click()]);
		if (!new URL(page.url()).pathname.endsWith(`/p/${board.practiceId}`)) throw new Error(`personal link led to ${page.url()}`);
		await page.close();
		const url = `${app.url}${board.boardPath}`;
		const expected = { total: board.totalNotes, collective: board.docs.find((d) => d.name.endsWith('/collective'))!.notes };
		const firstVisit = await timedVisit(context, url, expected, errors);
		const measured: BrowserRun[] = [];
		for (let i = 0; i < runs; i++) measured.push(await timedVisit(context, url, expected, errors));

		// Sanity check on a last tab: the right notes, with readable text.
		const check = await context.newPage();
		await check.goto(url);
		const collective = check.locator('section[data-lane-key="collective"] article.note');
		await check.waitForFunction((n) => document.querySelectorAll('article.note').length >= n, board.totalNotes, { timeout: 120000 });
		const notesInDom = await check.locator('article.note').count();
		const collectiveNotes = await collective.count();
		const sentinel = check.locator('article.note', { hasText: board.sentinel });
		if (!(await sentinel.first().isVisible())) throw new Error('the first note’s text is not visible');
		await check.close();

		const pick = (key: keyof BrowserRun) => median(measured.map((r) => r[key]));
		return {
			firstVisit,
			runs: measured,
			median: {
				wallMs: pick('wallMs'),
				pageMs: pick('pageMs'),
				domContentLoadedMs: pick('domContentLoadedMs'),
				firstNoteMs: pick('firstNoteMs'),
				collectiveMs: pick('collectiveMs'),
				scriptMs: pick('scriptMs'),
				styleLayoutMs: pick('styleLayoutMs')
			},
			notesInDom,
			collectiveNotes,
			pageErrors: errors
		};
	} finally {
		await context.close();
	}
}
