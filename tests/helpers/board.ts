import { expect } from 'vitest';
import { AxeBuilder } from '@axe-core/playwright';
import type { BrowserContextOptions, Locator, Page } from 'playwright-core';
import { createPracticeViaApi, type CreatedPractice, type RunningApp } from './app.ts';
import { editorFocused, joinOn, signIn, type newPage } from './browser.ts';
import type { TestClient } from './clients.ts';
import type { Scope } from './scope.ts';
import { createNote, type NewNote } from '#lib/domain/notes.ts';
import type { BoardId } from '#lib/domain/ids.ts';

/** Helpers for end-to-end tests of a board: screens, notes written over a real websocket, axe scans. */

/** The board these tests open, unless they say otherwise. */
export const BOARD = 'intentie' as BoardId;

/** A screen a board is opened on; `touch` makes it a phone (touch, mobile). */
export interface Screen {
	readonly width: number;
	readonly height: number;
	readonly touch: boolean;
}
export const LAPTOP: Screen = { width: 1366, height: 768, touch: false };
export const PHONE: Screen = { width: 390, height: 844, touch: true };
export const ROOM: Screen = { width: 1920, height: 1080, touch: false };
/** The three screens a board is checked on: a laptop, a phone (touch) and the room's screen, in that order. */
export const SIZES = [LAPTOP, PHONE, ROOM] as const;

/** A browser context's options for a screen. */
export const screenOptions = (size: Screen): BrowserContextOptions => ({
	viewport: { width: size.width, height: size.height },
	hasTouch: size.touch,
	isMobile: size.touch
});

/** The `newPage` fixture: a page in a fresh context, closed after the test. */
export type NewPage = (options?: Parameters<typeof newPage>[1]) => ReturnType<typeof newPage>;

/** The app's websocket address. */
export const collabUrl = (app: RunningApp) => `${app.url.replace('http', 'ws')}/collab`;

/**
 * Writes notes into a document over a real websocket as the holder of `token`,
 * and resolves once the server has them. The client is destroyed then, unless
 * `keep` (then with the scope, after the test).
 */
export async function writeNotes(
	scope: Scope,
	app: RunningApp,
	docName: string,
	token: string,
	notes: readonly NewNote[],
	{ keep = false } = {}
): Promise<TestClient> {
	const client = scope.connect(collabUrl(app), docName, token);
	await expect.poll(() => client.provider.isSynced, { message: `${docName} synced`, timeout: 15000 }).toBe(true);
	client.doc.transact(() => notes.forEach((note) => createNote(client.doc, note)));
	await client.saved();
	if (!keep) client.destroy();
	return client;
}

/** A new person in a page of their own who joins by an invite link with a name. */
export async function joinWith(open: NewPage, invite: string, name: string, options?: Parameters<NewPage>[0]) {
	const person = await open(options);
	await joinOn(person.page, invite, name);
	return person;
}

/**
 * The facilitator's board on a screen: signed in, and on a phone (which opens
 * in the list) switched to the board, the canvas, by a tap.
 */
export async function openBoard({ app, newPage }: { app: RunningApp; newPage: NewPage }, practice: CreatedPractice, size: Screen, board = BOARD) {
	const opened = await newPage(screenOptions(size));
	const { page } = opened;
	await signIn(page, practice);
	await page.goto(`${app.url}/p/${practice.id}/b/${board}`);
	if (size.touch) {
		await page.locator('.lane-list').waitFor();
		await page.getByRole('button', { name: 'Bord', exact: true }).tap();
	}
	await page.locator('.canvas').waitFor();
	return opened;
}

/** WCAG 2.1 A and AA, and 2.2 AA (target size, where axe checks it). */
export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

/** Every axe violation on the page as it is now, as "rule: target — what to fix" lines. */
export async function violations(page: Page): Promise<string[]> {
	const result = await new AxeBuilder({ page }).withTags(AXE_TAGS).analyze();
	return result.violations.flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(' ')} — ${n.failureSummary?.split('\n')[1]?.trim() ?? v.help}`));
}

/**
 * A new practice in use: its facilitator signed in, and the named participants
 * joined by its invite link, each in a page of their own (closed after the test).
 */
export async function practiceWith(
	{ app, newPage }: { app: RunningApp; newPage: NewPage },
	practice: { name: string; facilitatorName: string },
	participants: readonly string[]
) {
	const created = await createPracticeViaApi(app, practice);
	const facilitator = await newPage();
	await signIn(facilitator.page, created);
	const joined = [];
	for (const name of participants) joined.push(await joinWith(newPage, created.links.participant, name));
	return { practice: created, facilitator, participants: joined };
}

/** The save indicator, by what it says. */
export const saveStatus = (page: Page) => page.getByRole('status').filter({ hasText: /opgeslagen|Offline|erbinden/ });

/** Opens the board online until all is saved, and reloads it under the service worker's control. */
export async function visitOnline(page: Page, board: string): Promise<void> {
	await page.goto(board);
	await expect.poll(() => saveStatus(page).innerText()).toBe('Alle wijzigingen opgeslagen');
	await page.evaluate(async () => {
		await navigator.serviceWorker.ready;
	});
	await page.reload();
	await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
	// Connected again, so that no connection is still on its way when a test goes offline
	// (one that was would land: the browser's offline emulation stops only new ones).
	await expect.poll(() => saveStatus(page).innerText()).toBe('Alle wijzigingen opgeslagen');
}

/** A new practice's facilitator, signed in in a page of their own (`options`: its screen), on one of its boards. */
export async function facilitatorOn(
	{ app, newPage }: { app: RunningApp; newPage: NewPage },
	practice: { name: string; facilitatorName: string; framework?: string },
	board: string,
	options?: Parameters<NewPage>[0]
) {
	const created = await createPracticeViaApi(app, practice);
	const { page, context, errors } = await newPage(options);
	await signIn(page, created);
	await page.goto(`${app.url}/p/${created.id}/b/${board}`);
	return { practice: created, page, context, errors };
}

/** Adds a note to a lane with its "Notitie toevoegen" button, types `text` and closes the editor with Escape. */
export async function addNoteTo(lane: Locator, text: string): Promise<void> {
	const page = lane.page();
	await lane.getByRole('button', { name: /Notitie toevoegen/ }).click();
	await editorFocused(page);
	await page.keyboard.type(text);
	await page.keyboard.press('Escape');
}

/**
 * One of the facilitator's controls on a board, as a facilitator finds it: opens
 * "Begeleiden" when it is closed and returns the control by its visible name
 * (a button or a summary; "Minuten" is the silent round's field).
 */
export async function facilitatorTool(page: Page, name: string): Promise<Locator> {
	const panel = page.getByRole('dialog', { name: 'Begeleiden' });
	if (!(await panel.isVisible())) {
		await page.getByRole('button', { name: 'Begeleiden' }).click();
		await panel.waitFor();
	}
	if (name === 'Minuten') return panel.getByLabel('Minuten');
	return panel.getByRole('button', { name, exact: true }).or(panel.locator('summary', { hasText: name })).first();
}
