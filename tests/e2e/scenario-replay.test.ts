import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pdfPages } from '../helpers/pdf.ts';
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from '../helpers/fixture.ts';
import { createPracticeViaApi, joinedMember } from '../helpers/app.ts';
import { signIn } from '../helpers/browser.ts';
import { collabUrl, violations } from '../helpers/board.ts';
import type { TestClient } from '../helpers/clients.ts';
import { collectiveDoc, laneDoc } from '#lib/domain/docnames.ts';
import { bringIn, createNote, deleteNote, noteContent, notesMap, setPlainText } from '#lib/domain/notes.ts';
import { placeFor } from '#lib/domain/lane-space.ts';
import type { BoardId, MemberId, NoteId, PracticeId } from '#lib/domain/ids.ts';

/**
 * Scenario 3 of PRODUCT.md, end to end: at the fifth meeting the facilitator
 * replays the Normativiteit board, playback pauses at the meeting marks, she
 * steps to meeting three, compares meeting one with now side by side, and
 * prints the board's report: a chapter per meeting.
 *
 * The notes are placed as the live board places them (placeFor, what the
 * canvas asks), so the collective lane holds more than eight notes side by
 * side: the replayed and compared boards must lay them out as the live board
 * does, without a note on top of another.
 *
 * Leaves the PDF and screenshots of the timeline and the comparison at
 * 1366×768 and 1920×1080 in the temp directory, to look at.
 */
const board = 'normativiteit' as BoardId;
const MEETINGS = ['Verkennen', 'Verdiepen', 'Afwegen', 'Kiezen', 'Terugblikken'];
const OUT = (name: string) => join(tmpdir(), `zwerm-scenario-${name}`);

/** Per meeting, the collective notes written in it (the live board's placement). */
const WRITTEN = [
	['Regels geven houvast', 'Iedereen telt mee', 'Wij zeggen wat we denken'],
	['Gelijkwaardigheid vraagt moeite', 'De gemeente kijkt mee'],
	['Verschil mag er zijn'],
	['Wat telt is wat bewoners merken', 'Een idee dat niet blijft'],
	['Eerlijkheid boven snelheid']
];
const REWRITE = { from: 'Regels geven houvast', to: 'Regels geven houvast, maar mogen schuren' };
const ANNA = 'Buren beslissen mee';



interface Box {
	readonly x: number;
	readonly y: number;
	readonly width: number;
	readonly height: number;
}
const rects = (notes: Locator): Promise<Box[]> =>
	notes.evaluateAll((els) =>
		els.map((el) => {
			const r = el.getBoundingClientRect();
			return { x: r.x, y: r.y, width: r.width, height: r.height };
		})
	);
/** Pairs of notes whose rectangles cover each other (more than a pixel's rounding). */
function overlaps(boxes: readonly Box[]): [number, number][] {
	const out: [number, number][] = [];
	for (let i = 0; i < boxes.length; i++)
		for (let j = i + 1; j < boxes.length; j++) {
			const a = boxes[i];
			const b = boxes[j];
			const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
			const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
			if (w > 1 && h > 1) out.push([i, j]);
		}
	return out;
}

const scrubber = (page: Page) => page.getByRole('slider', { name: 'Moment in de tijdlijn' });
const moment = (page: Page) => page.getByTestId('timeline-moment');

describe('scenario 3: replay, compare and report at the fifth meeting', () => {
	it('replays the Normativiteit board, stops at the meetings, compares meeting one with now side by side, and prints a chapter per meeting', async ({
		app,
		connect,
		newPage
	}) => {
		const practice = await createPracticeViaApi(app, { name: 'Wijkpraktijk', facilitatorName: 'Fenna' });
		const p = practice.id as PracticeId;
		const fenna = practice.facilitator.id as MemberId;
		const api = `${app.url}/api/practices/${p}`;
		const asFacilitator = { authorization: `Bearer ${practice.facilitator.token}`, origin: app.url, 'content-type': 'application/json' };
		const annaToken = (await joinedMember(app, practice.links.participant, 'Anna')).token;
		const members = ((await fetch(`${api}/export`, { headers: asFacilitator }).then((r) => r.json())) as { members: { id: string; name: string }[] }).members;
		const anna = members.find((m) => m.name === 'Anna')!.id as MemberId;
		const post = async (path: string, body: unknown, status = 201) => {
			const res = await fetch(`${api}${path}`, { method: 'POST', headers: asFacilitator, body: JSON.stringify(body) });
			expect(res.status, path).toBe(status);
			return res.json();
		};
		const open = async (name: string, token: string): Promise<TestClient> => {
			const client = connect(collabUrl(app), name, token);
			await expect.poll(() => client.provider.isSynced, { message: `${name} synced`, timeout: 15000 }).toBe(true);
			return client;
		};
		const collective = await open(collectiveDoc(p, board), practice.facilitator.token);
		const annaCollective = await open(collectiveDoc(p, board), annaToken);
		const annaLane = await open(laneDoc(p, board, anna), annaToken);
		/** A collective note where the live board would put it: the first free place. */
		const write = (text: string) =>
			createNote(collective.doc, { createdBy: fenna, at: Date.now(), place: { ...placeFor(collective.doc, 'collective'), kind: 'collective' }, auto: true, text });

		// Five meetings.
		const ids = new Map<string, NoteId>();
		for (const [i, title] of MEETINGS.entries()) {
			const { meeting } = await post('/meetings', { title, date: '2026-12-06', agenda: [board] });
			for (const text of WRITTEN[i]) ids.set(text, write(text));
			await collective.saved();
			if (i === 1) {
				setPlainText(noteContent(collective.doc, ids.get(REWRITE.from)!), REWRITE.to);
				await collective.saved();
			}
			if (i === 2) {
				const mine = createNote(annaLane.doc, { createdBy: anna, at: Date.now(), place: { ...placeFor(annaLane.doc, 'member'), kind: 'member' }, auto: true, text: ANNA });
				await annaLane.saved();
				bringIn(annaCollective.doc, { doc: annaLane.doc, memberId: anna, noteId: mine }, { createdBy: anna, at: Date.now() });
				await annaCollective.saved();
				await expect.poll(() => notesMap(collective.doc).size).toBe(7);
			}
			if (i === 4) {
				deleteNote(collective.doc, ids.get('Een idee dat niet blijft')!);
				await collective.saved();
			}
			await post(`/meetings/${meeting.id}/end`, {}, 200);
		}
		const now = WRITTEN.flat().length - 1 + 1; // nine written, one removed, Anna's brought in
		expect(now).toBe(9);

		// The facilitator opens the board's timeline.
		const { page, errors } = await newPage({ viewport: { width: 1366, height: 768 } });
		await signIn(page, practice);
		await page.goto(`${app.url}/p/${p}/b/${board}/history`);
		const replay = page.locator('.replay-board').first();
		const collectiveNotes = replay.locator('section[data-lane-key="collective"] article.note');
		await expect.poll(() => collectiveNotes.count()).toBe(now);
		// The timeline's board at the end: the live board's layout, no note on another.
		await page.mouse.move(0, 0);
		expect(overlaps(await rects(replay.locator('article.note')))).toEqual([]);
		await page.screenshot({ path: OUT('timeline-1366.png') });
		// The activity chart's time axis: the whole history spans seconds, yet no two tick labels say the same, in readable text.
		const tickLabels = async () => {
			const texts = page.locator('.activity svg g[aria-label="x-axis tick label"] text');
			const labels = (await texts.allTextContents()).filter(Boolean);
			const size = await texts.first().evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
			return { labels, distinct: new Set(labels).size, size };
		};
		const laptopTicks = await tickLabels();
		expect(laptopTicks.labels.length).toBeGreaterThanOrEqual(2);
		expect(laptopTicks.distinct).toBe(laptopTicks.labels.length);
		expect(laptopTicks.size).toBeGreaterThanOrEqual(12);

		// Playback from the beginning pauses at every meeting's end (and start), in order.
		await scrubber(page).focus();
		await page.keyboard.press('Home');
		await page.getByLabel('Snelheid').selectOption({ label: '60× zo snel' });
		const stops: string[] = [];
		const max = await scrubber(page).getAttribute('max');
		while ((await scrubber(page).inputValue()) !== max && stops.length < 12) {
			await page.getByRole('button', { name: /Afspelen/ }).click();
			await expect.poll(() => page.getByRole('button', { name: /Afspelen/ }).count(), { timeout: 20000 }).toBe(1);
			const stopped = page.locator('p.stopped');
			if (await stopped.count()) stops.push(await stopped.innerText());
		}
		for (const title of MEETINGS.slice(0, 4)) expect(stops).toContain(`Gestopt bij Einde van ${title}`);
		expect(stops.indexOf(`Gestopt bij Einde van ${MEETINGS[0]}`)).toBeLessThan(stops.indexOf(`Gestopt bij Einde van ${MEETINGS[1]}`));

		// Step to meeting three: the label says so, and the board shows what was there then.
		await page.getByRole('button', { name: new RegExp(`^Einde van ${MEETINGS[2]}`) }).click();
		await expect.poll(() => moment(page).innerText()).toMatch(/^Bijeenkomst 3 · \d\d:\d\d · /);
		await expect.poll(() => collectiveNotes.count()).toBe(7);
		expect(await collectiveNotes.allInnerTexts().then((t) => t.join('\n'))).toContain(ANNA);
		expect(await scrubber(page).getAttribute('aria-valuetext')).toContain('Bijeenkomst 3');

		// Compare the end of meeting one with now, side by side.
		const choose = async (label: string, text: string) => {
			const select = page.getByLabel(label, { exact: true });
			const value = await select.locator('option', { hasText: text }).first().getAttribute('value');
			await select.selectOption(value!);
		};
		await choose('Van', `Einde van ${MEETINGS[0]}`);
		await page.getByLabel('Tot', { exact: true }).selectOption({ label: 'Nu' });
		await page.getByRole('button', { name: 'Vergelijken' }).click();
		await page.getByLabel('Samen naast elkaar tonen').check();
		const sides = page.locator('.compare-panel .replay-board');
		await expect.poll(() => sides.count()).toBe(2);
		const before = sides.nth(0).locator('article.note');
		const after = sides.nth(1).locator('article.note');
		await expect.poll(() => before.count()).toBe(WRITTEN[0].length);
		await expect.poll(() => after.count()).toBe(now);
		const comparePanel = page.locator('.compare-panel');
		const measure = async (size: string, phone = false) => {
			await page.mouse.move(0, 0);
			const panel = (await comparePanel.boundingBox())!;
			for (const [name, notes] of [
				['before', before],
				['after', after]
			] as const) {
				const boxes = await rects(notes);
				expect(overlaps(boxes), `${name} at ${size}`).toEqual([]);
				// Scaled to fit: every note within the panel's width (on a phone the lane scrolls sideways instead).
				if (!phone) for (const b of boxes) expect(b.x + b.width, `${name} at ${size}`).toBeLessThanOrEqual(panel.x + panel.width + 1);
			}
			if (phone) {
				const lane = sides.nth(1).locator('.area');
				expect(await lane.evaluate((el) => el.scrollWidth > el.clientWidth + 1)).toBe(true);
				expect(await lane.getAttribute('tabindex')).toBe('0');
			}
			// The two moments: beside each other, or for a long row of notes one above the other, never on each other…
			const [a, b] = [(await sides.nth(0).boundingBox())!, (await sides.nth(1).boundingBox())!];
			expect(b.x > a.x + a.width - 1 || b.y > a.y + a.height - 1, size).toBe(true);
			// …with the notes no smaller than 0.4 of the live board's (240 units wide)…
			for (const box of await rects(after)) expect(box.width, size).toBeGreaterThan(95.5);
			// …in one frame, so a note that stayed is in the same place on both.
			const stayed = (side: Locator) => side.locator('article.note', { hasText: 'Iedereen telt mee' }).boundingBox();
			const [s0, s1] = [(await stayed(sides.nth(0)))!, (await stayed(sides.nth(1)))!];
			expect(Math.abs(s0.x - a.x - (s1.x - b.x)), size).toBeLessThan(2);
			expect(Math.abs(s0.width - s1.width), size).toBeLessThan(1);
		};
		await measure('1366×768');
		await comparePanel.locator('.side-by-side').evaluate((el) => el.scrollIntoView({ block: 'end' }));
		await page.screenshot({ path: OUT('compare-1366.png') });
		expect(await violations(page)).toEqual([]);
		await page.setViewportSize({ width: 1920, height: 1080 });
		await measure('1920×1080');
		await comparePanel.locator('.side-by-side').evaluate((el) => el.scrollIntoView({ block: 'end' }));
		await page.screenshot({ path: OUT('compare-1920.png') });
		await page.evaluate(() => scrollTo(0, 0));
		await page.screenshot({ path: OUT('timeline-1920.png') });
		// On the room's screen the chart's text grows with the page's.
		await expect.poll(async () => (await tickLabels()).size).toBeGreaterThanOrEqual(16);
		const roomTicks = await tickLabels();
		expect(roomTicks.distinct).toBe(roomTicks.labels.length);

		// On a phone: the comparison still without a note on another.
		await page.setViewportSize({ width: 390, height: 844 });
		await measure('390×844', true);
		await comparePanel.locator('.side-by-side').evaluate((el) => el.scrollIntoView({ block: 'start' }));
		await page.screenshot({ path: OUT('compare-390.png') });

		// The report of this board, printed: a chapter per meeting, in order.
		await page.setViewportSize({ width: 1366, height: 768 });
		await page.goto(`${app.url}/p/${p}/report?board=${board}`);
		await expect.poll(() => page.locator('section.chapter > h2').allInnerTexts()).toEqual(MEETINGS.map((m) => expect.stringContaining(m)));
		// With the group's figures drawn (they come with the page; Plot draws them in the browser).
		await expect.poll(() => page.locator('.figures .chart svg').count(), { timeout: 15000 }).toBeGreaterThanOrEqual(3);
		await page.locator('.figures').screenshot({ path: OUT('report-figures-1366.png') });
		await page.emulateMedia({ media: 'print' });
		const pdf = await page.pdf({ format: 'A4' });
		await writeFile(OUT('report.pdf'), pdf);
		const text = (await pdfPages(new Uint8Array(pdf))).join(' ');
		let from = 0;
		for (const title of MEETINGS) {
			const at = text.indexOf(title, from);
			expect(at, `chapter ${title}`).toBeGreaterThan(-1);
			from = at;
		}
		for (const note of [REWRITE.to, ANNA, 'Een idee dat niet blijft', 'Eerlijkheid boven snelheid']) expect(text).toContain(note);
		expect(text).toContain('van Anna');

		expect(errors).toEqual([]);
	});
});
