import { describe, expect, it } from '../helpers/fixture.ts';
import { randomBytes } from 'node:crypto';
import type { Page } from 'playwright-core';
import type { RunningApp } from '../helpers/app.ts';
import { editorFocused } from '../helpers/browser.ts';
import { addNoteTo, practiceWith } from '../helpers/board.ts';

/**
 * Writing anonymously the obvious way, as a participant would, while a
 * curious facilitator keeps every websocket frame their browser receives.
 * The anonymous note must never pass through the author's named lane: not
 * its text, not the empty note before it, not its place or time.
 */
/** Every binary frame the page receives, with the document it is about. */
function recordFrames(page: Page): { doc: string; bytes: Buffer }[] {
	const frames: { doc: string; bytes: Buffer }[] = [];
	page.on('websocket', (ws) =>
		ws.on('framereceived', ({ payload }) => {
			if (typeof payload === 'string') return;
			// Hocuspocus frames start with the document name as a varstring (names here are shorter than 128 bytes).
			const doc = payload.subarray(1, 1 + payload[0]).toString();
			frames.push({ doc, bytes: Buffer.from(payload) });
		})
	);
	return frames;
}

/** Zooms the canvas to a lane, so its notes are drawn (the canvas draws only what is near the view). */
async function lookAt(page: Page, laneKey: string) {
	await page.locator(`section.lane[data-lane-key="${laneKey}"] button.zoom`).click();
}

async function historyOf(app: RunningApp, page: Page, practiceId: string, board: string) {
	const res = await page.request.get(`${app.url}/api/practices/${practiceId}/boards/${board}/history`);
	expect(res.status()).toBe(200);
	return (await res.json()) as { entries: { lane: string; at: number | null }[] };
}

describe('writing anonymously', () => {
	it('goes straight to the anonymous lane, and a note shown with a name only gets an anonymous copy', async ({ app, newPage }) => {
		const { practice, facilitator: fem, participants: [ann] } = await practiceWith({ app, newPage }, { name: 'Anoniem schrijven', facilitatorName: 'Fem' }, ['Ann']);
		const board = 'intentie';
		const url = `${app.url}/p/${practice.id}/b/${board}`;
		const frames = recordFrames(fem.page);
		await fem.page.goto(url);
		await ann.page.goto(url);
		await expect.poll(() => fem.page.locator('section.lane').count()).toBe(5);
		await expect.poll(() => ann.page.locator('section.lane').count()).toBe(5);
		const annId = await ann.page.locator('section.lane.mine').getAttribute('data-lane-key');
		const annLane = `practice/${practice.id}/board/${board}/lane/${annId}`;

		// The anonymous lane has its own button; the note is written in Ann's private lane, marked anonymous.
		const secret = `ANONIEM-${randomBytes(6).toString('hex')}`;
		await ann.page.locator('section.lane.anonymous').getByRole('button', { name: 'Anonieme notitie toevoegen' }).click();
		await editorFocused(ann.page);
		await ann.page.keyboard.type(secret);
		await ann.page.keyboard.press('Escape');
		await expect.poll(() => ann.page.locator('section.lane.private article.note', { hasText: secret }).locator('.state', { hasText: 'De groep, anoniem' }).count()).toBe(1);

		// Fem sees it in the anonymous lane, and nothing at all happened in Ann's named lane.
		const anonLane = (page: Page) => page.locator('section.lane.anonymous article.note', { hasText: secret });
		await lookAt(fem.page, 'anonymous');
		await expect.poll(() => anonLane(fem.page).count()).toBe(1);
		await lookAt(fem.page, annId!);
		expect(await fem.page.locator(`section.lane[data-lane-key="${annId}"] article.note`).count()).toBe(0);
		const laneFrames = frames.filter((f) => f.doc === annLane);
		expect(laneFrames.length).toBeGreaterThan(0); // Fem does receive that lane: the sync and presence
		// Nothing in them is a Yjs update with content: a sync step 2 or update (type 0, step 1 or 2) carries
		// structs; an empty document's answer is 2 bytes of update. Find any frame that carries a note.
		expect(laneFrames.filter((f) => f.bytes.includes(Buffer.from('createdBy')))).toEqual([]);
		expect((await historyOf(app, fem.page, practice.id, board)).entries.filter((e) => e.lane === `lane:${annId}`)).toEqual([]);
		// Its text reached Fem only on the anonymous lane, in no other document's frames.
		const anonDoc = `practice/${practice.id}/board/${board}/anonymous`;
		const carrying = frames.filter((f) => f.bytes.includes(Buffer.from(secret))).map((f) => f.doc);
		expect(carrying).toContain(anonDoc);
		expect(carrying.filter((d) => d !== anonDoc)).toEqual([]);

		// A shared note: its visibility dialog offers no "anoniem", only an anonymous copy, with a plain warning.
		const named = `MET-NAAM-${randomBytes(6).toString('hex')}`;
		await addNoteTo(ann.page.locator('section.lane.mine'), named);
		const original = ann.page.locator('section.lane.mine article.note', { hasText: named });
		await original.getByRole('button', { name: /^Acties voor/ }).click();
		await ann.page.getByRole('menuitem', { name: 'Zichtbaarheid…' }).click();
		const dialog = ann.page.getByRole('dialog', { name: 'Wie ziet deze notitie?' });
		const options = await dialog.getByRole('radio').evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value));
		expect(options).not.toContain('anonymous');
		expect(options).toContain('anonymous-copy');
		await dialog.getByRole('radio', { name: /Een anonieme kopie/ }).check();
		expect(await dialog.innerText()).toContain('al met je naam getoond');
		await dialog.getByRole('button', { name: 'Anonieme kopie plaatsen' }).click();
		await expect.poll(() => dialog.count()).toBe(0);

		// The original stays with Ann's name; the copy reaches the anonymous lane at a place of its own.
		await lookAt(fem.page, 'anonymous');
		await expect.poll(() => anonLane(fem.page).count()).toBe(1);
		const copy = fem.page.locator('section.lane.anonymous article.note', { hasText: named });
		await expect.poll(() => copy.count()).toBe(1);
		await lookAt(fem.page, annId!);
		const stays = fem.page.locator(`section.lane[data-lane-key="${annId}"] article.note`, { hasText: named });
		await expect.poll(() => stays.count()).toBe(1);
		const exported = (await (await fem.page.request.get(`${app.url}/api/practices/${practice.id}/export`)).json()) as {
			boards: { id: string; anonymous: { id: string; text: string; x: number; y: number }[]; lanes: { notes: { id: string; text: string; x: number; y: number }[] }[] }[];
		};
		const b = exported.boards.find((x) => x.id === board)!;
		const mirrored = b.anonymous.find((n) => n.text === named)!;
		const shown = b.lanes.flatMap((l) => l.notes).find((n) => n.text === named)!;
		expect(mirrored.id).not.toBe(shown.id);
		expect([mirrored.x, mirrored.y]).not.toEqual([shown.x, shown.y]);
		expect(fem.errors).toEqual([]);
		expect(ann.errors).toEqual([]);
	});
});
