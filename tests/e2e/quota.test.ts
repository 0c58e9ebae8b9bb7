import { describe, expect, it } from '../helpers/fixture.ts';
import { editorFocused } from '../helpers/browser.ts';
import { facilitatorOn, LAPTOP, screenOptions } from '../helpers/board.ts';
import { readStored } from '../helpers/db.ts';
import { laneDoc } from '#lib/domain/docnames.ts';
import { listNotes, noteContent, plainText } from '#lib/domain/notes.ts';
import type { BoardId, MemberId, PracticeId } from '#lib/domain/ids.ts';

/**
 * Issue 9, item 11, as a person sees it: pasting a text far too long into a
 * note is refused by the server; the board says so in plain words, stores
 * nothing of it, and lets the change be thrown away, after which everything
 * is saved again.
 */
describe('quotas in the browser', () => {
	it('says a note is too large to save, keeps nothing of it, and discards the change on request', async ({ app, newPage }) => {
		const { practice, page, errors } = await facilitatorOn({ app, newPage }, { name: 'Grenzen', facilitatorName: 'Fem' }, 'context', screenOptions(LAPTOP));
		const status = page.getByRole('status').filter({ hasText: /opgeslagen|wacht/ });
		await expect.poll(() => status.innerText()).toBe('Alle wijzigingen opgeslagen');

		const lane = page.locator('section.lane.mine');
		await lane.getByRole('button', { name: /Notitie toevoegen/ }).click();
		await editorFocused(page);
		await page.keyboard.type('Kort begin');
		await expect.poll(() => status.innerText()).toBe('Alle wijzigingen opgeslagen');
		await page.keyboard.insertText(' en toen een heel lang verhaal'.padEnd(100_000, '.'));

		const alert = page.getByRole('alert').filter({ hasText: 'te groot' });
		await expect.poll(() => alert.innerText(), { timeout: 20000 }).toContain('Deze notitie is te groot om op te slaan');
		expect(await status.innerText()).toMatch(/nog niet opgeslagen/);
		// To look at the message on a laptop, a phone and a large screen: ZWERM_SCREENSHOTS=<dir>.
		for (const [width, height] of process.env.ZWERM_SCREENSHOTS ? [[1366, 768], [390, 844], [1920, 1080]] : []) {
			await page.setViewportSize({ width, height });
			await page.screenshot({ path: `${process.env.ZWERM_SCREENSHOTS}/quota-${width}.png` });
		}
		await page.setViewportSize({ width: 1366, height: 768 });

		const name = laneDoc(practice.id as PracticeId, 'context' as BoardId, practice.facilitator.id as MemberId);
		const stored = () => {
			const { doc } = readStored(app.dataDir, name);
			return listNotes(doc).map((n) => plainText(noteContent(doc, n.id)));
		};
		expect(stored()).toEqual(['Kort begin']);

		await alert.getByRole('button', { name: 'Wijziging weggooien' }).click();
		await expect.poll(() => page.locator('section.lane.mine article.note').allInnerTexts(), { timeout: 20000 }).toEqual([expect.stringContaining('Kort begin')]);
		await expect.poll(() => status.innerText()).toBe('Alle wijzigingen opgeslagen');
		expect(await page.getByRole('alert').filter({ hasText: 'te groot' }).count()).toBe(0);
		expect(stored()).toEqual(['Kort begin']);
		expect(errors).toEqual([]);
	});
});
