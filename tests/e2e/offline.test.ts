import { describe, expect, it } from '../helpers/fixture.ts';
import { rmSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { createPracticeViaApi, type CreatedPractice, type RunningApp } from '../helpers/app.ts';
import { editorFocused, joinOn, launchPersistent, signIn } from '../helpers/browser.ts';
import { addNoteTo, joinWith, saveStatus, visitOnline, type NewPage } from '../helpers/board.ts';
import { tempDir } from '../helpers/server.ts';

const myLane = (page: Page) => page.locator('section.lane.mine');
const WAITING = /^Offline · \d+ notities? nog niet opgeslagen$/;

async function addNote(page: Page, text: string) {
	await addNoteTo(myLane(page), text);
}

async function expectNotes(page: Page, texts: readonly string[]) {
	for (const text of texts) {
		await expect.poll(() => myLane(page).locator('article.note', { hasText: text }).count(), { message: text }).toBe(1);
	}
}

/** The facilitator opens the board and finds every text in the lane of `owner`. */
async function facilitatorSees(newPage: NewPage, practice: CreatedPractice, board: string, owner: string, texts: readonly string[]) {
	const fem = await newPage();
	await signIn(fem.page, practice);
	await fem.page.goto(board);
	const lane = fem.page.locator('section.lane', { hasText: `Notities van ${owner}` });
	for (const text of texts) {
		await expect.poll(() => lane.locator('article.note', { hasText: text }).count(), { message: text, timeout: 15000 }).toBe(1);
	}
	expect(fem.errors).toEqual([]);
	await fem.context.close();
}

/**
 * A member who joined a new practice and wrote a note on its Actanten board,
 * visited online; `kept` lists what this browser stores of the practice.
 */
async function memberWithNote({ app, newPage }: { app: RunningApp; newPage: NewPage }, practiceName: string, name: string, text: string) {
	const practice = await createPracticeViaApi(app, { name: practiceName, facilitatorName: 'Fem' });
	const board = `${app.url}/p/${practice.id}/b/actanten`;
	const member = await joinWith(newPage, practice.links.participant, name);
	await visitOnline(member.page, board);
	await addNote(member.page, text);
	await expect.poll(() => saveStatus(member.page).innerText()).toBe('Alle wijzigingen opgeslagen');
	const kept = () =>
		member.page.evaluate(async (id) => {
			const names = (await indexedDB.databases()).map((d) => d.name ?? '');
			return [...names, ...Object.keys(localStorage)].filter((name) => name.includes(id));
		}, practice.id);
	return { practice, board, member, kept };
}

describe('between meetings, without a connection', () => {
	it('opens a board visited before, keeps offline notes through reloads, and syncs them when back online', async ({ app, newPage }) => {
		const practice = await createPracticeViaApi(app, { name: 'Trein', facilitatorName: 'Fem' });
		const board = `${app.url}/p/${practice.id}/b/actanten`;

		const traveller = await joinWith(newPage, practice.links.participant, 'Reiziger');
		await traveller.page.goto(board);
		await addNote(traveller.page, 'Al gedeeld voor vertrek');
		await visitOnline(traveller.page, board);
		await expectNotes(traveller.page, ['Al gedeeld voor vertrek']);

		// On the train: the indicator notices at once, even though the open websocket is not closed by going offline.
		await traveller.context.setOffline(true);
		await expect.poll(() => saveStatus(traveller.page).innerText()).toBe('Offline');
		// The board opens without a connection, and takes two new notes and an edit.
		await traveller.page.reload();
		await expectNotes(traveller.page, ['Al gedeeld voor vertrek']);
		await addNote(traveller.page, 'Offline idee een');
		await addNote(traveller.page, 'Offline idee twee');
		// Notes, not keystrokes: two short notes typed letter by letter are two notes waiting.
		await expect.poll(() => saveStatus(traveller.page).innerText()).toBe('Offline · 2 notities nog niet opgeslagen');
		await myLane(traveller.page).locator('article.note', { hasText: 'Al gedeeld voor vertrek' }).locator('.note-text').click();
		await editorFocused(traveller.page);
		await traveller.page.keyboard.press('End');
		await traveller.page.keyboard.type(' (aangevuld)');
		await traveller.page.keyboard.press('Escape');
		const offlineNotes = ['Offline idee een', 'Offline idee twee', 'Al gedeeld voor vertrek (aangevuld)'];
		await expectNotes(traveller.page, offlineNotes);
		await expect.poll(() => saveStatus(traveller.page).innerText()).toBe('Offline · 3 notities nog niet opgeslagen');
		const waiting = await saveStatus(traveller.page).innerText();

		// Reloaded while still offline: the notes are there, and so is the count of what waits for the server.
		await traveller.page.reload();
		await expectNotes(traveller.page, offlineNotes);
		await expect.poll(() => saveStatus(traveller.page).innerText()).toBe(waiting);

		// The tab closed and the board opened again in a new one, still offline.
		await traveller.page.close();
		const again = await traveller.context.newPage();
		await again.goto(board);
		await expectNotes(again, offlineNotes);
		await expect.poll(() => saveStatus(again).innerText()).toBe(waiting);

		// Back online: everything reaches the server, and another member sees it.
		await traveller.context.setOffline(false);
		await expect.poll(() => saveStatus(again).innerText(), { timeout: 20000 }).toBe('Alle wijzigingen opgeslagen');
		await facilitatorSees(newPage, practice, board, 'Reiziger', offlineNotes);
		expect(traveller.errors).toEqual([]);
		await traveller.context.close();
	});

	it('keeps notes written offline through a browser restart, and syncs them afterwards', async ({ app, newPage }) => {
		const practice = await createPracticeViaApi(app, { name: 'Pendel', facilitatorName: 'Fem' });
		const board = `${app.url}/p/${practice.id}/b/intentie`;
		const profile = tempDir('zwerm-profile-');
		try {
			const before = await launchPersistent(profile);
			await joinOn(before.page, practice.links.participant, 'Pendelaar');
			await visitOnline(before.page, board);
			await before.context.setOffline(true);
			await before.page.reload();
			await addNote(before.page, 'Geschreven tussen twee stations');
			await expect.poll(() => saveStatus(before.page).innerText()).toMatch(WAITING);
			const waiting = await saveStatus(before.page).innerText();
			expect(before.errors).toEqual([]);
			await before.context.close();

			// The browser starts again, still without a connection.
			const after = await launchPersistent(profile, { offline: true });
			try {
				await after.page.goto(board);
				await expectNotes(after.page, ['Geschreven tussen twee stations']);
				await expect.poll(() => saveStatus(after.page).innerText()).toBe(waiting);

				await after.context.setOffline(false);
				await expect.poll(() => saveStatus(after.page).innerText(), { timeout: 20000 }).toBe('Alle wijzigingen opgeslagen');
				await facilitatorSees(newPage, practice, board, 'Pendelaar', ['Geschreven tussen twee stations']);
				expect(after.errors).toEqual([]);
			} finally {
				await after.context.close();
			}
		} finally {
			rmSync(profile, { recursive: true, force: true });
		}
	});

	it('forgets the practice in this browser when the member leaves it', async ({ app, newPage }) => {
		const { practice, board, member: leaver, kept } = await memberWithNote({ app, newPage }, 'Afscheid', 'Vertrekker', 'Tot ziens');
		expect((await kept()).length).toBeGreaterThan(0);

		await leaver.page.goto(`${app.url}/p/${practice.id}`);
		leaver.page.on('dialog', (dialog) => void dialog.accept());
		await leaver.page.getByText('De praktijk verlaten', { exact: true }).first().click();
		await leaver.page.getByRole('button', { name: 'De praktijk verlaten' }).click();
		await expect.poll(() => leaver.page.getByText('Je hebt de praktijk verlaten.', { exact: false }).count()).toBe(1);
		await expect.poll(kept).toEqual([]);

		// Offline, the board no longer opens from this browser.
		await leaver.context.setOffline(true);
		await expect(leaver.page.goto(board)).rejects.toThrow();
		expect(leaver.errors).toEqual([]);
		await leaver.context.close();
	});

	it('forgets the practice in this browser when the member is removed, while the board is open', async ({ app, newPage }) => {
		const { practice, member, kept } = await memberWithNote({ app, newPage }, 'Verwijderd', 'Weggestuurd', 'Nog even');
		expect((await kept()).length).toBeGreaterThan(0);

		// The facilitator removes them; their open board is cut off and keeps nothing of the practice.
		const members = await fetch(`${app.url}/api/practices/${practice.id}/export`, {
			headers: { authorization: `Bearer ${practice.facilitator.token}` }
		}).then((r) => r.json() as Promise<{ members: { id: string; name: string }[] }>);
		const id = members.members.find((m) => m.name === 'Weggestuurd')!.id;
		const removed = await fetch(`${app.url}/api/practices/${practice.id}/members/${id}`, {
			method: 'DELETE',
			headers: { authorization: `Bearer ${practice.facilitator.token}`, origin: app.url }
		});
		expect(removed.status).toBe(204);
		await expect.poll(kept, { timeout: 20000 }).toEqual([]);
		await member.context.close();
	});
});
