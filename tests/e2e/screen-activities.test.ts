import type { Page } from 'playwright-core';
import { describe, expect, it } from '../helpers/fixture.ts';
import { createPracticeViaApi, joinViaForm, type CreatedPractice, type RunningApp } from '../helpers/app.ts';
import { signIn } from '../helpers/browser.ts';
import { BOARD, LAPTOP, collabUrl, screenOptions, violations, writeNotes, type NewPage } from '../helpers/board.ts';
import { pairScreen } from '../helpers/screen.ts';
import { collectiveDoc, practiceDoc, privateDoc } from '#lib/domain/docnames.ts';
import { readPractice } from '#lib/domain/practice.ts';
import { setRound } from '#lib/domain/visibility.ts';
import { noteContent, notesMap, plainText } from '#lib/domain/notes.ts';
import { newNoteId, type MemberId, type NoteId, type PracticeId } from '#lib/domain/ids.ts';
import type { Scope } from '../helpers/scope.ts';

/**
 * The room's screen during a vote and a sharing round (issue #12): large,
 * from the practice document only — a count of who is done, never who and
 * never totals while a vote is open; the ranked totals once it closes; whose
 * turn it is in a sharing round, their notes highlighted and in view; the
 * anonymous step names nobody. The screen is no member: asking for "my dots"
 * is refused.
 */

/** Screenshots of the screen as a person at the back of the room sees it, when SCREEN_SHOTS names a directory. */
const shoot = async (page: Page, name: string) => {
	if (process.env.SCREEN_SHOTS) await page.screenshot({ path: `${process.env.SCREEN_SHOTS}/${name}.png` });
};

const api = (app: RunningApp, practice: CreatedPractice, path: string, token: string, method = 'POST', body?: unknown) =>
	fetch(`${app.url}/api/practices/${practice.id}/boards/${BOARD}/activities/${path}`, {
		method,
		headers: { authorization: `Bearer ${token}`, origin: app.url, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
		body: body === undefined ? undefined : JSON.stringify(body)
	});

/** A participant who joined by the invite: their session token and member id. */
async function join(app: RunningApp, scope: Scope, practice: CreatedPractice, name: string): Promise<{ token: string; id: MemberId }> {
	const token = (await joinViaForm(app, practice.links.participant, name)).split('=')[1];
	const client = scope.connect(collabUrl(app), practiceDoc(practice.id as PracticeId), token);
	await expect.poll(() => readPractice(client.doc).members.some((m) => m.name === name)).toBe(true);
	const id = readPractice(client.doc).members.find((m) => m.name === name)!.id as MemberId;
	client.destroy();
	return { token, id };
}

/** Fenna on the board on her laptop, and the room's screen paired by her code, following her there. */
async function fennaAndScreen(app: RunningApp, newPage: NewPage, practice: CreatedPractice) {
	const fenna = await newPage(screenOptions(LAPTOP));
	await signIn(fenna.page, practice);
	const res = await fetch(`${app.url}/api/practices/${practice.id}/screens`, {
		method: 'POST',
		headers: { authorization: `Bearer ${practice.facilitator.token}`, origin: app.url, 'content-type': 'application/json' },
		body: '{}'
	});
	expect(res.status).toBe(201);
	const { code } = (await res.json()) as { code: string };
	const screen = await pairScreen(newPage, app.url, practice, code);
	await fenna.page.goto(`${app.url}/p/${practice.id}/b/${BOARD}`);
	await fenna.page.locator('.canvas').waitFor();
	await expect.poll(() => screen.page.locator('.screen-board .canvas').count(), { timeout: 20000 }).toBe(1);
	/** The frames the screen received on the practice document from frame `from` on (`screen.raw.length` at the time). */
	const practiceFrames = (from: number) => screen.raw.filter((_, i) => i >= from && screen.received[i].documentName === practiceDoc(practice.id as PracticeId));
	return { fenna, screen, practiceFrames };
}

/** A note's text on the screen: computed font size times the canvas' scale (CSS px). */
const textPx = (page: Page, text: string) =>
	page.evaluate((text) => {
		const canvas = document.querySelector<HTMLElement>('.canvas')!;
		const frame = [...document.querySelectorAll<HTMLElement>('.note-frame')].find((f) => f.textContent?.includes(text));
		const paragraph = frame?.querySelector('.note-text p') ?? frame?.querySelector('.note-text');
		return paragraph ? parseFloat(getComputedStyle(paragraph).fontSize) * Number(canvas.dataset.scale) : 0;
	}, text);

/** Is the note with this text whole inside the screen's canvas? */
async function inView(page: Page, text: string): Promise<boolean> {
	const canvas = await page.locator('.canvas').boundingBox();
	const note = await page.locator('.note-frame', { hasText: text }).first().boundingBox();
	if (!canvas || !note) return false;
	return note.x >= canvas.x && note.y >= canvas.y && note.x + note.width <= canvas.x + canvas.width && note.y + note.height <= canvas.y + canvas.height;
}

const heading = (page: Page) => page.getByRole('heading', { level: 1 }).innerText().then((s) => s.replace(/\s+/g, ' ').trim());
const fontPx = (page: Page, selector: string) => page.locator(selector).first().evaluate((e) => parseFloat(getComputedStyle(e).fontSize));

describe('the room’s screen during a vote and a sharing round', () => {
	it('shows a running vote with its timer and how many are done, no totals and no voter; then the notes ranked', async ({ app, newPage, scope }) => {
		const practice = await createPracticeViaApi(app, { name: 'Stemmen in de zaal', facilitatorName: 'Fenna' });
		const practiceId = practice.id as PracticeId;
		const fennaId = practice.facilitator.id as MemberId;
		await writeNotes(scope, app, collectiveDoc(practiceId, BOARD), practice.facilitator.token, [
			{ createdBy: fennaId, at: 1, text: 'Vaker samen eten', place: { x: 16, y: 16, kind: 'collective' } },
			{ createdBy: fennaId, at: 2, text: 'Minder mail', place: { x: 300, y: 16, kind: 'collective' } },
			{ createdBy: fennaId, at: 3, text: 'Een vaste koffieronde', place: { x: 584, y: 16, kind: 'collective' } }
		]);
		const ahmed = await join(app, scope, practice, 'Ahmed');
		const bo = await join(app, scope, practice, 'Bo');
		const { fenna, screen, practiceFrames } = await fennaAndScreen(app, newPage, practice);
		const collective = scope.connect(collabUrl(app), collectiveDoc(practiceId, BOARD), practice.facilitator.token);
		await expect.poll(() => collective.provider.isSynced).toBe(true);
		const idOf = (text: string) => [...notesMap(collective.doc).keys()].find((id) => plainText(noteContent(collective.doc, id as NoteId)) === text) ?? '';
		const [eten, mail, koffie] = ['Vaker samen eten', 'Minder mail', 'Een vaste koffieronde'].map(idOf);
		expect(eten && mail && koffie).toBeTruthy();

		// Fenna opens a vote of three dots with a timer: the screen says so, large, with the clock.
		const listenedFrom = screen.raw.length;
		expect((await api(app, practice, 'vote', practice.facilitator.token, 'POST', { dots: 3, minutes: 5 })).status).toBe(201);
		await expect.poll(() => heading(screen.page)).toBe('Stemmen — 3 stippen per persoon');
		await expect.poll(() => screen.page.getByRole('timer').innerText()).toMatch(/^nog [45]:\d\d$/);
		expect(await screen.page.locator('.done').innerText()).toBe('Nog niemand is klaar');
		expect(await fontPx(screen.page, '.screen-vote h1')).toBeGreaterThanOrEqual(48);
		expect(await fontPx(screen.page, '.screen-vote .done')).toBeGreaterThanOrEqual(32);
		expect(await fontPx(screen.page, '.screen-vote .clock')).toBeGreaterThanOrEqual(32);
		// The notes to vote on stay on the screen, readable.
		await expect.poll(() => inView(screen.page, 'Minder mail')).toBe(true);
		expect(await textPx(screen.page, 'Minder mail')).toBeGreaterThanOrEqual(32);

		// Ahmed places all three, Bo two: the screen counts one done — never who, never a total.
		for (const id of [eten, eten, mail]) expect((await api(app, practice, 'vote/place', ahmed.token, 'POST', { noteId: id })).status).toBe(200);
		for (const id of [koffie, koffie]) expect((await api(app, practice, 'vote/place', bo.token, 'POST', { noteId: id })).status).toBe(200);
		await expect.poll(() => screen.page.locator('.done').innerText()).toBe('1 persoon is klaar');
		await shoot(screen.page, 'screen-vote');
		expect((await api(app, practice, 'vote/place', bo.token, 'POST', { noteId: eten })).status).toBe(200);
		await expect.poll(() => screen.page.locator('.done').innerText()).toBe('2 mensen zijn klaar');
		// (The board shows everyone's lane by name, as it does for the group; the vote adds no name and no number of dots.)
		expect(await screen.page.locator('.screen-vote').innerText()).not.toMatch(/Ahmed|Bo\b/);
		expect(await screen.page.locator('main').innerText()).not.toMatch(/Uitslag|\b\d+ stip(pen)?\b(?! per persoon)/);
		expect(await screen.page.getByRole('button').count()).toBe(0);
		expect(await violations(screen.page)).toEqual([]);

		// The screen is no member: it cannot ask for "my dots", nor place one, with its own cookie.
		const asked = await screen.page.evaluate(async (url) => {
			const mine = await fetch(`${url}/mine`);
			const place = await fetch(`${url}/place`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ noteId: 'x' }) });
			return [mine.status, place.status];
		}, `/api/practices/${practice.id}/boards/${BOARD}/activities/vote`);
		expect(asked.every((s) => s === 401 || s === 403)).toBe(true);

		// The curious screen: nothing it received about the practice during the vote names a voter.
		const heard = practiceFrames(listenedFrom);
		expect(heard.length).toBeGreaterThan(0);
		for (const bytes of heard) for (const id of [ahmed.id, bo.id]) expect(Buffer.from(bytes).includes(id)).toBe(false);

		// Fenna steps to the overview: the screen's start view says where the vote runs, for whoever comes in now.
		await fenna.page.goto(`${app.url}/p/${practice.id}`);
		await expect.poll(() => screen.page.locator('.start .busy').allInnerTexts(), { timeout: 20000 }).toEqual(['Nu: stemmen op het bord Intentie']);
		expect(await fontPx(screen.page, '.start .busy')).toBeGreaterThanOrEqual(28);
		await fenna.page.goto(`${app.url}/p/${practice.id}/b/${BOARD}`);
		await expect.poll(() => heading(screen.page), { timeout: 20000 }).toBe('Stemmen — 3 stippen per persoon');

		// Fenna closes it: the notes ranked with their totals, large, the whole screen.
		expect((await api(app, practice, 'vote', practice.facilitator.token, 'DELETE')).status).toBe(200);
		await expect.poll(() => heading(screen.page)).toBe('Uitslag van de stemming');
		const rows = screen.page.locator('.screen-result li');
		await expect.poll(() => rows.allInnerTexts().then((r) => r.map((s) => s.replace(/\s+/g, ' ').trim()))).toEqual([
			'1 Vaker samen eten 3 stippen',
			'2 Een vaste koffieronde 2 stippen',
			'3 Minder mail 1 stip'
		]);
		expect(await fontPx(screen.page, '.screen-result li')).toBeGreaterThanOrEqual(32);
		expect(await screen.page.locator('main').innerText()).not.toMatch(/Ahmed|Bo\b/);
		expect(await violations(screen.page)).toEqual([]);
		await shoot(screen.page, 'screen-vote-result');

		// It stays until Fenna moves on: to another board, and back — the board again, no result.
		await fenna.page.goto(`${app.url}/p/${practice.id}/b/activiteit`);
		await expect.poll(() => heading(screen.page), { timeout: 20000 }).toBe('Activiteit');
		await fenna.page.goto(`${app.url}/p/${practice.id}/b/${BOARD}`);
		await expect.poll(() => heading(screen.page), { timeout: 20000 }).toBe('Intentie');
		expect(await screen.page.locator('.screen-result').count()).toBe(0);
		expect([...fenna.errors, ...screen.errors]).toEqual([]);
	});

	it('shows a silent round, then whose turn it is in a sharing round, their notes highlighted and in view; the anonymous step names nobody', async ({
		app,
		newPage,
		scope
	}) => {
		const practice = await createPracticeViaApi(app, { name: 'Delen in de zaal', facilitatorName: 'Fenna' });
		const practiceId = practice.id as PracticeId;
		const ahmed = await join(app, scope, practice, 'Ahmed');
		const bo = await join(app, scope, practice, 'Bo');
		const { fenna, screen } = await fennaAndScreen(app, newPage, practice);

		// A silent round: Ahmed and Bo each write a note to share; Bo also one to show anonymously.
		const started = await api(app, practice, 'silent-round', practice.facilitator.token, 'POST', { minutes: 5 });
		expect(started.status).toBe(201);
		const roundId = ((await started.json()) as { id: string }).id;
		const write = async (who: { token: string; id: MemberId }, notes: { text: string; reveal: 'shared' | 'anonymous' }[]) => {
			const ids = notes.map(() => newNoteId());
			const client = await writeNotes(
				scope,
				app,
				privateDoc(practiceId, BOARD, who.id),
				who.token,
				notes.map((n, i) => ({ id: ids[i], createdBy: who.id, at: Date.now(), text: n.text, place: { x: 16 + i * 240, y: 16, kind: 'private' as const } })),
				{ keep: true }
			);
			notes.forEach((n, i) => setRound(client.doc, ids[i] as NoteId, roundId, n.reveal));
			await client.saved();
			client.destroy();
		};
		await write(ahmed, [{ text: 'Ahmed vertelt', reveal: 'shared' }]);
		await write(bo, [
			{ text: 'Bo vertelt', reveal: 'shared' },
			{ text: 'Zonder naam gezegd', reveal: 'anonymous' }
		]);
		await expect.poll(() => heading(screen.page)).toBe('Stille ronde');
		await expect.poll(() => screen.page.locator('.counts').innerText()).toBe('3 notities · Nog niemand is klaar');
		await shoot(screen.page, 'screen-silent-round');

		// Revealed; Fenna goes round the table.
		expect((await api(app, practice, 'silent-round', practice.facilitator.token, 'DELETE')).status).toBe(200);
		await expect.poll(() => heading(screen.page)).toBe('Intentie');
		expect((await api(app, practice, 'sharing-round', practice.facilitator.token, 'POST', {})).status).toBe(201);

		const frame = (text: string) => screen.page.locator('section.lane .note-frame', { hasText: text });
		const steps = [
			{ who: 'Ahmed', text: 'Ahmed vertelt', others: ['Bo vertelt', 'Zonder naam gezegd'] },
			{ who: 'Bo', text: 'Bo vertelt', others: ['Ahmed vertelt', 'Zonder naam gezegd'] },
			{ who: 'De anonieme notities', text: 'Zonder naam gezegd', others: ['Ahmed vertelt', 'Bo vertelt'] }
		];
		for (const [n, step] of steps.entries()) {
			if (n > 0) expect((await api(app, practice, 'sharing-round/next', practice.facilitator.token, 'POST', { from: n - 1 })).status).toBe(200);
			await expect.poll(() => heading(screen.page)).toBe(`Rondje delen — stap ${n + 1} van 3: ${step.who}`);
			await expect.poll(() => frame(step.text).getAttribute('class')).toMatch(/\bsharing\b/);
			await expect.poll(() => inView(screen.page, step.text), { message: `${step.text} in view` }).toBe(true);
			for (const other of step.others) expect(await frame(other).getAttribute('class')).toMatch(/\bsharing-dim\b/);
			expect(await textPx(screen.page, step.text)).toBeGreaterThanOrEqual(32);
			expect(await fontPx(screen.page, '.screen-sharing .who')).toBeGreaterThanOrEqual(48);
			expect(await screen.page.getByRole('button').count()).toBe(0);
			await shoot(screen.page, `screen-sharing-${n + 1}`);
		}
		// The anonymous step names nobody: not above the board, not on the note.
		expect(await screen.page.locator('.screen-sharing').innerText()).not.toMatch(/Ahmed|Bo\b|Fenna/);
		expect(await frame('Zonder naam gezegd').innerText()).not.toMatch(/Ahmed|Bo\b/);
		expect(await violations(screen.page)).toEqual([]);

		// The round ends: the board's own heading again.
		expect((await api(app, practice, 'sharing-round/next', practice.facilitator.token, 'POST', { from: 2 })).status).toBe(200);
		await expect.poll(() => heading(screen.page)).toBe('Intentie');
		await expect.poll(() => screen.page.locator('.note-frame.sharing, .note-frame.sharing-dim').count()).toBe(0);
		expect([...fenna.errors, ...screen.errors]).toEqual([]);
	});
});
