import { describe, expect, it } from '../helpers/fixture.ts';
import type { Page } from 'playwright-core';
import * as Y from 'yjs';
import { createPracticeViaApi, type CreatedPractice, type RunningApp } from '../helpers/app.ts';
import { editorFocused, sessionToken, signIn } from '../helpers/browser.ts';
import type { TestClient } from '../helpers/clients.ts';
import type { Scope } from '../helpers/scope.ts';
import { facilitatorTool, BOARD, collabUrl, joinWith, LAPTOP, openBoard, screenOptions, SIZES, type NewPage } from '../helpers/board.ts';
import { anonymousDoc, collectiveDoc, laneDoc, practiceDoc, privateDoc } from '#lib/domain/docnames.ts';
import { createNote, listNotes, noteContent, plainText, readNote } from '#lib/domain/notes.ts';
import { placeFor } from '#lib/domain/lane-space.ts';
import { setRound } from '#lib/domain/visibility.ts';
import { readPractice } from '#lib/domain/practice.ts';
import { readRound } from '#lib/domain/activities.ts';
import { NOTE_H, NOTE_W, type RegionKind } from '#lib/domain/board-space.ts';
import type { MemberId, PracticeId } from '#lib/domain/ids.ts';
import { PlacementSettler } from '#lib/sync/settle.ts';

/**
 * Issue 11, "Managed space": after 50 notes are written, a silent round of 8
 * anonymous notes is revealed and 5 notes are brought into Samen (one of them
 * into an existing note), no note covers another, and the board is arranged
 * the same on a laptop (1366×768), a phone (390×844, touch) and the room's
 * screen (1920×1080). Every note here was placed by the program — by the
 * browser, by a member's client or by the server — none by hand, so none may
 * overlap. Read in board units, whatever scale a screen opens at.
 */
type Rect = { x: number; y: number; w: number; h: number };
type Seen = Record<string, { lane: string; at: string; rect: Rect }>;
/** What the helpers below work with: the test's app, scope and pages. */
type Ctx = { app: RunningApp; scope: Scope; newPage: NewPage };

async function open({ app, scope }: Ctx, name: string, token: string, kind?: RegionKind): Promise<TestClient> {
	const client = scope.connect(collabUrl(app), name, token, new Y.Doc());
	await expect.poll(() => client.provider.isSynced, { message: `${name} synced` }).toBe(true);
	// A writable lane settles concurrent placements, as the board in the browser does (LaneState.placement).
	if (kind) {
		const settler = new PlacementSettler(client.doc, kind);
		scope.defer(() => settler.destroy());
	}
	return client;
}

/** A member at work in their own client: their lane, their private lane and Samen. */
async function memberClient(t: Ctx, practice: CreatedPractice, person: { token: string; id: MemberId }) {
	const p = practice.id as PracticeId;
	return {
		...person,
		lane: await open(t, laneDoc(p, BOARD, person.id), person.token, 'member'),
		private: await open(t, privateDoc(p, BOARD, person.id), person.token, 'private'),
		collective: await open(t, collectiveDoc(p, BOARD), person.token, 'collective')
	};
}
type Member = Awaited<ReturnType<typeof memberClient>>;

/** A new note where the app puts one: the first free place of the lane as this client knows it, placed automatically. */
const addNote = (m: Member, where: 'lane' | 'private' | 'collective', text: string) => {
	const doc = m[where].doc;
	const kind: RegionKind = where === 'lane' ? 'member' : where;
	return createNote(doc, { createdBy: m.id, at: Date.now(), text, place: { ...placeFor(doc, kind), kind }, auto: true });
};

/** Someone who joins by the invite link in a browser; their session then works their own client too. */
async function join(t: Ctx, practice: CreatedPractice, name: string) {
	const person = await joinWith(t.newPage, practice.links.participant, name);
	const token = await sessionToken(person.page, practice.id);
	await person.context.close();
	const doc = (await open(t, practiceDoc(practice.id as PracticeId), token)).doc;
	await expect.poll(() => readPractice(doc).members.some((m) => m.name === name)).toBe(true);
	return { token, id: readPractice(doc).members.find((m) => m.name === name)!.id };
}

const section = (page: Page, key: string) => page.locator(`section[data-lane-key="${key}"]`);

async function zoomTo(page: Page, lane: string) {
	await page.getByRole('button', { name: `Inzoomen op ${lane}`, exact: true }).click();
}

async function bringIn(page: Page, lane: { key: string; title: string }, text: string, choice: RegExp) {
	await zoomTo(page, lane.title);
	const note = section(page, lane.key).locator('article.note').filter({ has: page.getByText(text, { exact: true }) });
	await note.getByRole('button', { name: /^Acties voor/ }).click();
	await page.getByRole('menuitem', { name: 'Inbrengen in Samen' }).click();
	await page.getByRole('dialog').getByRole('button', { name: choice }).click();
	await expect.poll(() => page.getByRole('dialog').count()).toBe(0);
}

/**
 * Every note on the canvas: its lane, its place as the page holds it, and its
 * rectangle on the board in board units, measured on the screen: (screen
 * pixels from its region's corner) / scale, plus the region's place on the board.
 */
function measure(page: Page): Promise<Seen> {
	return page.evaluate(() => {
		const k = Number(document.querySelector<HTMLElement>('.canvas')!.dataset.scale);
		const out: Record<string, { lane: string; at: string; rect: { x: number; y: number; w: number; h: number } }> = {};
		for (const region of document.querySelectorAll<HTMLElement>('section.lane.region')) {
			const corner = region.getBoundingClientRect();
			const [left, top] = [parseFloat(region.style.left), parseFloat(region.style.top)];
			for (const frame of region.querySelectorAll<HTMLElement>('[data-note-frame]')) {
				const r = frame.getBoundingClientRect();
				out[frame.dataset.noteFrame!] = {
					lane: frame.dataset.lane!,
					at: `${frame.dataset.x},${frame.dataset.y}`,
					rect: { x: left + (r.x - corner.x) / k, y: top + (r.y - corner.y) / k, w: r.width / k, h: r.height / k }
				};
			}
		}
		return out;
	});
}

/** Pairs of notes whose rectangles overlap (edges that touch, within rounding, do not count). */
function overlapping(seen: Seen): string[] {
	const all = Object.entries(seen);
	const out: string[] = [];
	const e = 0.5;
	for (let i = 0; i < all.length; i++) {
		for (let j = i + 1; j < all.length; j++) {
			const [a, b] = [all[i][1].rect, all[j][1].rect];
			if (a.x < b.x + b.w - e && b.x < a.x + a.w - e && a.y < b.y + b.h - e && b.y < a.y + a.h - e) out.push(`${all[i][0]} × ${all[j][0]}`);
		}
	}
	return out;
}

describe('a full board', () => {
	it('after 50 notes, a revealed round of 8 and 5 bring-ins, no note covers another, and all three screens show the same arrangement', async ({ app, scope, newPage }) => {
		const t: Ctx = { app, scope, newPage };
		const practice = await createPracticeViaApi(app, { name: 'Vol bord', facilitatorName: 'Fenna' });
		const p = practice.id as PracticeId;
		const ahmed = await memberClient(t, practice, await join(t, practice, 'Ahmed'));
		const bo = await memberClient(t, practice, await join(t, practice, 'Bo'));
		const fenna = await newPage(screenOptions(LAPTOP));
		await signIn(fenna.page, practice);
		await fenna.page.goto(`${app.url}/p/${p}/b/${BOARD}`);
		const page = fenna.page;
		await section(page, 'collective').waitFor();
		await expect.poll(() => page.locator('section.lane').count()).toBe(6);

		// --- 50 notes -------------------------------------------------------------
		// Samen fills from three places at once: Fenna with "+ Notitie" in the browser, while
		// Ahmed and Bo add one each in the same moment (each on the first free place it knows).
		for (let i = 1; i <= 6; i++) {
			if (i <= 5) {
				addNote(ahmed, 'collective', `Samen van Ahmed ${i}`);
				addNote(bo, 'collective', `Samen van Bo ${i}`);
			}
			await zoomTo(page, 'Samen');
			await section(page, 'collective').getByRole('button', { name: 'Notitie toevoegen aan Samen' }).click();
			await editorFocused(page);
			await page.keyboard.type(`Samen ${i}`);
			await page.keyboard.press('Escape');
			await expect.poll(() => section(page, 'collective').locator('article.note', { hasText: `Samen ${i}` }).count()).toBe(1);
		}
		// Fenna's own notes with the N shortcut.
		for (let i = 1; i <= 6; i++) {
			await page.keyboard.press('n');
			await editorFocused(page);
			await page.keyboard.type(`Van Fenna ${i}`);
			await page.keyboard.press('Escape');
			await expect.poll(() => page.locator('section.lane.mine article.note', { hasText: `Van Fenna ${i}` }).count()).toBe(1);
		}
		// Ahmed and Bo write in their own lanes, at the same time.
		for (let i = 1; i <= 14; i++) {
			addNote(ahmed, 'lane', `Ahmed ${i}`);
			addNote(bo, 'lane', `Bo ${i}`);
		}
		await Promise.all([ahmed, bo].flatMap((m) => [m.lane.saved(), m.collective.saved()]));
		const reader = await open(t, collectiveDoc(p, BOARD), practice.facilitator.token);
		const lanes = [reader, await open(t, laneDoc(p, BOARD, practice.facilitator.id as MemberId), practice.facilitator.token), ahmed.lane, bo.lane];
		await expect.poll(() => lanes.map((c) => listNotes(c.doc).length)).toEqual([16, 6, 14, 14]);

		// --- A silent round of 8 anonymous notes, revealed ---------------------------
		await zoomTo(page, 'Samen');
		await (await facilitatorTool(page, 'Minuten')).fill('5');
		await (await facilitatorTool(page, 'Start stille ronde')).click();
		const practiceInfo = (await open(t, practiceDoc(p), practice.facilitator.token)).doc;
		await expect.poll(() => readRound(practiceInfo, BOARD)?.revealedAt).toBe(null);
		const round = readRound(practiceInfo, BOARD)!;
		for (let i = 1; i <= 4; i++) {
			for (const [m, name] of [[ahmed, 'A'], [bo, 'B']] as const) {
				setRound(m.private.doc, addNote(m, 'private', `Anoniem ${name}${i}`), round.id, 'anonymous');
			}
		}
		await Promise.all([ahmed.private.saved(), bo.private.saved()]);
		await expect.poll(() => page.getByText('8 notities van 2 mensen').count()).toBe(1);
		await page.getByRole('button', { name: 'Nu onthullen' }).click();
		const anonymous = await open(t, anonymousDoc(p, BOARD), practice.facilitator.token);
		await expect.poll(() => listNotes(anonymous.doc).length).toBe(8);
		await expect.poll(() => page.getByRole('timer').count()).toBe(0);

		// --- 5 notes brought into Samen: 4 as new notes, 1 into an existing one -------
		const textOf = (doc: Y.Doc, id: string) => plainText(noteContent(doc, id as never));
		const anonTexts = listNotes(anonymous.doc).map((n) => textOf(anonymous.doc, n.id));
		await bringIn(page, { key: ahmed.id, title: 'Notities van Ahmed' }, 'Ahmed 1', /^Als nieuwe notitie/);
		await bringIn(page, { key: bo.id, title: 'Notities van Bo' }, 'Bo 1', /^Als nieuwe notitie/);
		await bringIn(page, { key: 'anonymous', title: 'Anoniem' }, anonTexts[0], /^Als nieuwe notitie/);
		await bringIn(page, { key: 'anonymous', title: 'Anoniem' }, anonTexts[1], /^Als nieuwe notitie/);
		await bringIn(page, { key: bo.id, title: 'Notities van Bo' }, 'Bo 2', /^Toevoegen aan: Samen 1$/);
		await expect.poll(() => listNotes(reader.doc).length).toBe(20);
		const into = listNotes(reader.doc).find((n) => textOf(reader.doc, n.id) === 'Samen 1')!;
		await expect.poll(() => readNote(reader.doc, into.id)?.cites).toEqual([`lane:${bo.id}:${listNotes(bo.lane.doc).find((n) => textOf(bo.lane.doc, n.id) === 'Bo 2')!.id}`]);
		await expect.poll(() => page.getByText('Alle wijzigingen opgeslagen').count()).toBe(1);

		// Everything Fenna's board holds: Samen, three members' lanes, the anonymous lane.
		const total = [...lanes, anonymous].reduce((n, c) => n + listNotes(c.doc).length, 0);
		expect(total).toBe(20 + 6 + 14 + 14 + 8);
		expect(fenna.errors).toEqual([]);
		await fenna.context.close();

		// --- The board on three screens --------------------------------------------------
		const seen: Seen[] = [];
		for (const size of SIZES) {
			// A phone opens in the list view; the board (the canvas) is one tap away.
			const { page: screen, context, errors } = await openBoard(t, practice, size);
			await screen.getByRole('button', { name: 'Alles in beeld' }).click();
			await expect.poll(() => screen.locator('[data-note-frame]').count()).toBe(total);
			// Settled: two measurements in a row agree (nothing still moving in).
			let now = await measure(screen);
			await expect
				.poll(async () => {
					const before = JSON.stringify(now);
					now = await measure(screen);
					return JSON.stringify(now) === before;
				})
				.toBe(true);
			expect(Object.keys(now)).toHaveLength(total);
			for (const { rect } of Object.values(now)) {
				expect(Math.round(rect.w)).toBe(NOTE_W);
				expect(Math.round(rect.h)).toBe(NOTE_H);
			}
			expect(overlapping(now), `overlapping notes at ${size.width}×${size.height}`).toEqual([]);
			seen.push(now);
			expect(errors).toEqual([]);
			await context.close();
		}

		// The same arrangement everywhere: the same notes in the same lanes at the same places,
		// and on the screen the same rectangles in board units.
		const [laptop, phone, room] = seen;
		const places = (s: Seen) => Object.fromEntries(Object.entries(s).map(([id, v]) => [id, `${v.lane}@${v.at}`]));
		expect(places(phone)).toEqual(places(laptop));
		expect(places(room)).toEqual(places(laptop));
		for (const [id, { rect }] of Object.entries(laptop)) {
			for (const other of [phone, room]) {
				for (const key of ['x', 'y', 'w', 'h'] as const) expect(Math.abs(other[id].rect[key] - rect[key]), `${id}.${key}`).toBeLessThan(1);
			}
		}
	});
});
