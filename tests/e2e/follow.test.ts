import type { Page } from 'playwright-core';
import { describe, expect, it } from '../helpers/fixture.ts';
import { facilitatorTool, LAPTOP, ROOM, PHONE, joinWith, screenOptions, violations, writeNotes, type Screen } from '../helpers/board.ts';
import { createPracticeViaApi, type RunningApp } from '../helpers/app.ts';
import { signIn } from '../helpers/browser.ts';
import { collectiveDoc } from '#lib/domain/docnames.ts';
import type { BoardId, MemberId, PracticeId } from '#lib/domain/ids.ts';
import type { NewPage } from '../helpers/board.ts';

/**
 * Following (issue #12, part 2 and 3): a member follows another across
 * boards and leaves by panning; a facilitator brings everyone here; a
 * spotlight zooms followers and shows a marker to the others. Three browser
 * contexts on the real app; what a person would check: the banner, the
 * board they are on, and what their screen shows.
 */
const FIRST = 'intentie';
const SECOND = 'doelen';
const SHOTS = process.env.FOLLOW_SHOTS;

interface Rect {
	readonly x: number;
	readonly y: number;
	readonly w: number;
	readonly h: number;
}

/** The part of the board a page shows, in its own board units (BoardCanvas' data-view). */
async function viewOf(page: Page): Promise<Rect> {
	const [x, y, w, h] = ((await page.locator('.canvas').getAttribute('data-view')) ?? '0,0,0,0').split(',').map(Number);
	return { x, y, w, h };
}

/** Does the view show the whole rectangle, centred (within a few board units)? */
const shows = (view: Rect, r: Rect) =>
	view.x <= r.x + 2 &&
	view.y <= r.y + 2 &&
	view.x + view.w >= r.x + r.w - 2 &&
	view.y + view.h >= r.y + r.h - 2 &&
	Math.abs(view.x + view.w / 2 - (r.x + r.w / 2)) < 3 &&
	Math.abs(view.y + view.h / 2 - (r.y + r.h / 2)) < 3;

/** A phone follows a wider view by its centre, at a scale that keeps note text readable (followFit): same middle, not the whole rectangle. */
const centred = (view: Rect, r: Rect) => Math.abs(view.x + view.w / 2 - (r.x + r.w / 2)) < 3 && Math.abs(view.y + view.h / 2 - (r.y + r.h / 2)) < 3;

/** Is the middle of the page's canvas over this element? */
async function middleOver(page: Page, selector: string): Promise<boolean> {
	const canvas = await page.locator('.canvas').boundingBox();
	const target = await page.locator(selector).first().boundingBox();
	if (!canvas || !target) return false;
	const cx = canvas.x + canvas.width / 2;
	const cy = canvas.y + canvas.height / 2;
	return cx >= target.x && cx <= target.x + target.width && cy >= target.y && cy <= target.y + target.height;
}

const banner = (page: Page) => page.locator('.follow-banner');
const boardUrl = (app: RunningApp, practice: string, board: string) => `${app.url}/p/${practice}/b/${board}`;

async function onBoard(page: Page, url: string, size: Screen) {
	await page.goto(url);
	if (size.touch) {
		await page.locator('.lane-list').waitFor();
		await page.getByRole('button', { name: 'Bord', exact: true }).tap();
	}
	await page.locator('.canvas').waitFor();
}

/** A practice with its facilitator (Fenna) and two participants (Anna, Bert), each in a context of their own. */
async function threePeople({ app, newPage }: { app: RunningApp; newPage: NewPage }, sizes: { fenna: Screen; anna: Screen; bert: Screen }) {
	const practice = await createPracticeViaApi(app, { name: 'Volgen', facilitatorName: 'Fenna' });
	const fenna = await newPage(screenOptions(sizes.fenna));
	await signIn(fenna.page, practice);
	const anna = await joinWith(newPage, practice.links.participant, 'Anna', screenOptions(sizes.anna));
	const bert = await joinWith(newPage, practice.links.participant, 'Bert', screenOptions(sizes.bert));
	return { practice, fenna, anna, bert };
}

/** Opens the header's menu for a person and chooses an item. */
async function personMenu(page: Page, name: string, item: string) {
	await page.locator('.presence').getByRole('button', { name: new RegExp(name) }).click();
	await page.getByRole('menuitem', { name: item }).click();
}

describe('following', () => {
	it("shows the followed member's view across two boards, and a pan of one's own stops it", async ({ app, newPage }) => {
		const { practice, anna, bert } = await threePeople({ app, newPage }, { fenna: LAPTOP, anna: LAPTOP, bert: ROOM });
		await onBoard(anna.page, boardUrl(app, practice.id, FIRST), LAPTOP);
		await onBoard(bert.page, boardUrl(app, practice.id, FIRST), ROOM);

		await personMenu(bert.page, 'Anna', 'Anna volgen');
		await expect.poll(() => banner(bert.page).innerText()).toContain('Je volgt Anna');
		// Anna pans and zooms on Samen (where every layout agrees): Bert's larger screen shows her rectangle, centred.
		await anna.page.locator('.canvas').focus();
		await anna.page.keyboard.press('ArrowRight');
		await anna.page.keyboard.press('-');
		const annas = await viewOf(anna.page);
		await expect.poll(async () => shows(await viewOf(bert.page), await viewOf(anna.page)), { message: "Anna's view on Bert's screen" }).toBe(true);
		expect((await viewOf(bert.page)).x).not.toBe(0);
		expect(annas.w).toBeGreaterThan(0);

		// Anna zooms to her own lane: it is first below Samen on her screen, elsewhere on Bert's; he sees her lane.
		const annaId = await bert.page.locator('.presence li', { hasText: 'Anna' }).getAttribute('data-member');
		await anna.page.locator(`section[data-lane-key="${annaId}"]`).getByRole('button', { name: /Inzoomen|Zoom/ }).click();
		await expect.poll(() => middleOver(bert.page, `section[data-lane-key="${annaId}"]`), { message: "Bert sees Anna's lane" }).toBe(true);

		// Anna goes to another board: Bert's page follows her there, still following.
		await anna.page.goto(boardUrl(app, practice.id, SECOND));
		await anna.page.locator('.canvas').waitFor();
		await bert.page.waitForURL(new RegExp(`/b/${SECOND}$`));
		await expect.poll(() => banner(bert.page).innerText()).toContain('Je volgt Anna');
		await anna.page.locator('.canvas').focus();
		await anna.page.keyboard.press('ArrowRight');
		await expect.poll(async () => shows(await viewOf(bert.page), await viewOf(anna.page)), { message: 'on the second board too' }).toBe(true);

		// Bert pans himself: following stops, the banner goes, and Anna's moves no longer move him.
		const box = (await bert.page.locator('.canvas').boundingBox())!;
		await bert.page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
		await bert.page.mouse.wheel(0, 200);
		await expect.poll(() => banner(bert.page).count()).toBe(0);
		const his = await viewOf(bert.page);
		const before = await viewOf(anna.page);
		await anna.page.keyboard.press('ArrowRight');
		await anna.page.keyboard.press('ArrowRight');
		await expect.poll(async () => (await viewOf(anna.page)).x).toBeGreaterThan(before.x + 100);
		expect(await viewOf(bert.page)).toEqual(his);
		expect([anna.errors, bert.errors]).toEqual([[], []]);
	});

	it('a facilitator brings everyone here; one steps out and back in; stopping lets everyone go', async ({ app, newPage }) => {
		const { practice, fenna, anna, bert } = await threePeople({ app, newPage }, { fenna: LAPTOP, anna: PHONE, bert: LAPTOP });
		await onBoard(fenna.page, boardUrl(app, practice.id, FIRST), LAPTOP);
		await onBoard(anna.page, boardUrl(app, practice.id, SECOND), PHONE);
		await onBoard(bert.page, boardUrl(app, practice.id, FIRST), LAPTOP);

		await (await facilitatorTool(fenna.page, 'Iedereen hierheen')).click();
		await expect.poll(() => banner(fenna.page).innerText()).toContain('Iedereen volgt jou');
		// Anna was on another board: her phone comes to Fenna's.
		await anna.page.waitForURL(new RegExp(`/b/${FIRST}$`));
		for (const p of [anna.page, bert.page]) await expect.poll(() => banner(p).innerText()).toContain('Je volgt Fenna');

		// Bert steps out: he stays where he is while Fenna moves, and can come back.
		await bert.page.getByRole('button', { name: 'Niet meer volgen' }).click();
		await expect.poll(() => banner(bert.page).innerText()).toContain('Fenna presenteert');
		const his = await viewOf(bert.page);
		// (Along Samen, where every layout agrees.)
		await fenna.page.locator('.canvas').focus();
		await fenna.page.keyboard.press('ArrowRight');
		await fenna.page.keyboard.press('ArrowRight');
		await expect.poll(async () => shows(await viewOf(bert.page), await viewOf(fenna.page)), { message: 'not followed' }).toBe(false);
		await expect.poll(async () => centred(await viewOf(anna.page), await viewOf(fenna.page)), { message: 'Anna (phone) still follows' }).toBe(true);
		expect(await viewOf(bert.page)).toEqual(his);
		await bert.page.getByRole('button', { name: 'Weer volgen' }).click();
		await expect.poll(() => banner(bert.page).innerText()).toContain('Je volgt Fenna');
		await expect.poll(async () => shows(await viewOf(bert.page), await viewOf(fenna.page)), { message: 'followed again' }).toBe(true);
		// Escape steps out too.
		await bert.page.keyboard.press('Escape');
		await expect.poll(() => banner(bert.page).innerText()).toContain('Fenna presenteert');

		await fenna.page.getByRole('button', { name: 'Stoppen' }).click();
		for (const p of [fenna.page, anna.page, bert.page]) await expect.poll(() => banner(p).count()).toBe(0);
		expect([fenna.errors, anna.errors, bert.errors]).toEqual([[], [], []]);
	});

	it('a spotlight zooms those who follow the facilitator, and shows the others a marker that takes them there', async ({ app, newPage, scope }) => {
		const sizes = { fenna: LAPTOP, anna: LAPTOP, bert: LAPTOP };
		const { practice, fenna, anna, bert } = await threePeople({ app, newPage }, sizes);
		const text = 'Waarom doen we dit eigenlijk zo?';
		await writeNotes(scope, app, collectiveDoc(practice.id as PracticeId, FIRST as BoardId), practice.facilitator.token, [
			{ createdBy: practice.facilitator.id as MemberId, at: Date.now(), text: 'Iets anders', place: { x: 16, y: 16, kind: 'collective' } },
			// In view on Fenna's laptop, off its middle: her view does not move, the spotlight brings it to Anna's middle.
			{ createdBy: practice.facilitator.id as MemberId, at: Date.now(), text, place: { x: 900, y: 250, kind: 'collective' } }
		]);
		await onBoard(fenna.page, boardUrl(app, practice.id, FIRST), LAPTOP);
		await onBoard(anna.page, boardUrl(app, practice.id, FIRST), LAPTOP);
		await onBoard(bert.page, boardUrl(app, practice.id, SECOND), LAPTOP);
		await personMenu(anna.page, 'Fenna', 'Fenna volgen');
		await expect.poll(() => banner(anna.page).innerText()).toContain('Je volgt Fenna');

		const note = (p: Page) => p.locator('.note-frame', { hasText: text });
		await note(fenna.page).hover();
		await note(fenna.page).getByRole('button', { name: /Acties voor/ }).click();
		await fenna.page.getByRole('menuitem', { name: 'In de schijnwerper' }).click();

		expect(await middleOver(fenna.page, `.note-frame:has-text("${text}")`)).toBe(false);
		// Anna follows Fenna: her screen is on the note.
		await expect.poll(() => middleOver(anna.page, `.note-frame:has-text("${text}")`), { message: "the note in the middle of Anna's screen" }).toBe(true);
		expect(await anna.page.locator('.spotlight-marker').count()).toBe(0);
		// Bert is on another board: a marker, and "Ga erheen" takes him to the note.
		const marker = bert.page.locator('.spotlight-marker');
		await expect.poll(() => marker.innerText()).toContain('Schijnwerper op');
		await marker.getByRole('button', { name: 'Ga erheen' }).click();
		await bert.page.waitForURL(new RegExp(`/b/${FIRST}$`));
		await expect.poll(() => note(bert.page).isVisible()).toBe(true);
		await expect.poll(() => bert.page.locator('.spotlight-marker').innerText()).toContain(`Schijnwerper: ${text}`);
		await expect.poll(async () => {
			const n = await note(bert.page).boundingBox();
			const c = await bert.page.locator('.canvas').boundingBox();
			return !!n && !!c && n.x >= c.x && n.y >= c.y && n.x + n.width <= c.x + c.width && n.y + n.height <= c.y + c.height;
		}, { message: 'the note in view on Bert\'s screen' }).toBe(true);
		await expect.poll(() => note(bert.page).getAttribute('class')).toContain('spotlit');

		// The banner and the marker keep the page accessible.
		expect(await violations(anna.page)).toEqual([]);
		expect(await violations(bert.page)).toEqual([]);

		if (SHOTS) await screenshots(app, newPage, practice, text);

		// Fenna clears it: the marker goes.
		await fenna.page.locator('.spotlight-marker').getByRole('button', { name: 'Wissen' }).click();
		await expect.poll(() => bert.page.locator('.spotlight-marker').count()).toBe(0);
		expect([fenna.errors, anna.errors, bert.errors]).toEqual([[], [], []]);
	});
});

/** The banner and the marker at the three sizes, for a person to look at (FOLLOW_SHOTS=<dir>). */
async function screenshots(app: RunningApp, newPage: NewPage, practice: Awaited<ReturnType<typeof createPracticeViaApi>>, text: string) {
	for (const [name, size] of [
		['laptop', LAPTOP],
		['phone', PHONE],
		['room', ROOM]
	] as const) {
		const member = await joinWith(newPage, practice.links.participant, `Kijker ${name}`, screenOptions(size));
		await onBoard(member.page, boardUrl(app, practice.id, FIRST), size);
		await expect.poll(() => member.page.locator('.spotlight-marker').innerText()).toContain(text.slice(0, 10));
		await personMenu(member.page, 'Anna', 'Anna volgen');
		await expect.poll(() => banner(member.page).innerText()).toContain('Je volgt Anna');
		await member.page.screenshot({ path: `${SHOTS}/follow-${name}.png` });
	}
	// A phone in the list (its default): the banner and the marker above the lanes.
	const listed = await joinWith(newPage, practice.links.participant, 'Kijker lijst', screenOptions(PHONE));
	await listed.page.goto(boardUrl(app, practice.id, FIRST));
	await listed.page.locator('.lane-list').waitFor();
	await personMenu(listed.page, 'Anna', 'Anna volgen');
	await expect.poll(() => banner(listed.page).innerText()).toContain('Je volgt Anna');
	await listed.page.screenshot({ path: `${SHOTS}/follow-phone-list.png` });
	// The presenting view on the room's screen: no private lane, no controls, note text large.
	const room = await newPage(screenOptions(ROOM));
	await signIn(room.page, practice);
	await onBoard(room.page, boardUrl(app, practice.id, FIRST), ROOM);
	await (await facilitatorTool(room.page, 'Presenteren')).click();
	await expect.poll(() => room.page.locator('section[data-lane-key="private"]').count()).toBe(0);
	await room.page.screenshot({ path: `${SHOTS}/presenting-room.png` });
	const px = await room.page.locator('.note-frame .note').first().evaluate((el) => (parseFloat(getComputedStyle(el).fontSize) * el.getBoundingClientRect().width) / (el as HTMLElement).offsetWidth);
	console.log(`presenting: note text ${px.toFixed(1)} px at 1920×1080`);
}
