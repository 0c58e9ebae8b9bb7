import { describe, expect, it } from '../helpers/fixture.ts';
import { DatabaseSync } from 'node:sqlite';
import { join } from 'node:path';
import { createPracticeViaApi } from '../helpers/app.ts';
import { editorFocused, signIn } from '../helpers/browser.ts';
import { facilitatorOn } from '../helpers/board.ts';
import { readStored } from '../helpers/db.ts';
import { laneDoc } from '#lib/domain/docnames.ts';
import { listNotes, noteContent, plainText } from '#lib/domain/notes.ts';
import type { BoardId, MemberId, PracticeId } from '#lib/domain/ids.ts';

describe('the save indicator', () => {
	it('never says "saved" before the change is in the durable log', async ({ app, newPage }) => {
		const { practice, page, errors } = await facilitatorOn({ app, newPage }, { name: 'Eerlijk', facilitatorName: 'Fem' }, 'context');
		const status = page.getByRole('status').filter({ hasText: /opgeslagen|wacht/ });
		await expect.poll(() => status.innerText()).toBe('Alle wijzigingen opgeslagen');

		const name = laneDoc(practice.id as PracticeId, 'context' as BoardId, practice.facilitator.id as MemberId);
		const stored = () =>
			listNotes(readStored(app.dataDir, name).doc).map((n) => plainText(noteContent(readStored(app.dataDir, name).doc, n.id)));

		// Another process holds the database's write lock: the change cannot be stored yet.
		const lock = new DatabaseSync(join(app.dataDir, 'zwerm.db'), { timeout: 5000 });
		lock.exec('BEGIN IMMEDIATE');
		try {
			await page.locator('section.lane.mine').getByRole('button', { name: /Notitie toevoegen/ }).click();
			await editorFocused(page);
			await page.keyboard.type('Pas opgeslagen als het echt op schijf staat');
			await expect.poll(() => status.innerText()).toMatch(/nog niet opgeslagen/);
			// For a while, the indicator keeps saying so, and indeed nothing is on disk.
			for (let i = 0; i < 10; i++) {
				expect(await status.innerText()).not.toBe('Alle wijzigingen opgeslagen');
				// Looking again a little later: that nothing changes for a while is the point, not a wait.
				await new Promise((r) => setTimeout(r, 100));
			}
		} finally {
			lock.exec('ROLLBACK');
			lock.close();
		}
		expect(stored()).toEqual([]);

		// The lock is gone: the write lands, and only then does it say "saved".
		await expect.poll(() => status.innerText(), { timeout: 30000 }).toBe('Alle wijzigingen opgeslagen');
		expect(stored()).toEqual(['Pas opgeslagen als het echt op schijf staat']);
		expect(errors).toEqual([]);
	});

	it('still counts the waiting changes after a reload, until the server has stored them', async ({ app, newPage }) => {
		const { page, errors } = await facilitatorOn({ app, newPage }, { name: 'Geduld', facilitatorName: 'Fem' }, 'context');
		const status = page.getByRole('status').filter({ hasText: /opgeslagen|wacht/ });
		await expect.poll(() => status.innerText()).toBe('Alle wijzigingen opgeslagen');

		const lock = new DatabaseSync(join(app.dataDir, 'zwerm.db'), { timeout: 5000 });
		lock.exec('BEGIN IMMEDIATE');
		try {
			await page.locator('section.lane.mine').getByRole('button', { name: /Notitie toevoegen/ }).click();
			await editorFocused(page);
			await page.keyboard.type('Nog niet op schijf');
			await page.keyboard.press('Escape');
			await expect.poll(() => status.innerText()).toBe('1 notitie nog niet opgeslagen');
			const waiting = await status.innerText();
			// A reload forgets the provider's count; the indicator must not.
			await page.reload();
			await expect.poll(() => page.locator('section.lane.mine article.note', { hasText: 'Nog niet op schijf' }).count()).toBe(1);
			// (while the server is busy, it may still say it is connecting, before the count)
			await expect.poll(async () => (await status.innerText()).endsWith(waiting)).toBe(true);
			for (let i = 0; i < 10; i++) {
				expect(await status.innerText()).not.toBe('Alle wijzigingen opgeslagen');
				// Looking again a little later: that nothing changes for a while is the point, not a wait.
				await new Promise((r) => setTimeout(r, 100));
			}
		} finally {
			lock.exec('ROLLBACK');
			lock.close();
		}
		await expect.poll(() => status.innerText(), { timeout: 30000 }).toBe('Alle wijzigingen opgeslagen');
		expect(errors).toEqual([]);
	});

	it('says it is reconnecting while the server is away, and how many changes wait for it', async ({ scope, newPage }) => {
		// Its own server, stopped and started again on the same port and data.
		const own = await scope.startApp();
		const practice = await createPracticeViaApi(own, { name: 'Herstart', facilitatorName: 'Fem' });
		const { page, errors } = await newPage();
		await signIn(page, practice);
		await page.goto(`${own.url}/p/${practice.id}/b/context`);
		const status = page.getByRole('status').filter({ hasText: /opgeslagen|wacht|erbinden/ });
		await expect.poll(() => status.innerText()).toBe('Alle wijzigingen opgeslagen');

		await own.stop();
		await expect.poll(() => status.innerText()).toBe('Opnieuw verbinden…');
		await page.locator('section.lane.mine').getByRole('button', { name: /Notitie toevoegen/ }).click();
		await editorFocused(page);
		await page.keyboard.type('Terwijl de server weg was');
		await page.keyboard.press('Escape');
		await expect.poll(() => status.innerText()).toBe('Opnieuw verbinden… · 1 notitie nog niet opgeslagen');

		await scope.startApp({ dataDir: own.dataDir, env: { PORT: new URL(own.url).port } });
		await expect.poll(() => status.innerText(), { timeout: 30000 }).toBe('Alle wijzigingen opgeslagen');
		const name = laneDoc(practice.id as PracticeId, 'context' as BoardId, practice.facilitator.id as MemberId);
		const doc = readStored(own.dataDir, name).doc;
		expect(listNotes(doc).map((n) => plainText(noteContent(doc, n.id)))).toEqual(['Terwijl de server weg was']);
		expect(errors).toEqual([]);
		await page.context().close();
	});
});
