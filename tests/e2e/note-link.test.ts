import { describe, expect, it } from '../helpers/fixture.ts';
import { editorFocused } from '../helpers/browser.ts';
import { facilitatorOn, LAPTOP, screenOptions } from '../helpers/board.ts';

/** A link in a note: asked for, made https when bare, refused when it is not http(s) or mailto. */
describe('a link in a note', () => {
	it('is set on the selected words, made https when bare, and refused for other schemes', async ({ app, newPage }) => {
		const { page, errors } = await facilitatorOn({ app, newPage }, { name: 'Links', facilitatorName: 'Fem' }, 'context', screenOptions(LAPTOP));
		const samen = page.locator('section[data-lane-key="collective"]');
		await samen.getByRole('button', { name: /Notitie toevoegen/ }).click();
		await editorFocused(page);
		await page.keyboard.type('Zie de site');
		const answers = ['example.org', 'javascript:alert(1)'];
		page.on('dialog', (dialog) => void dialog.accept(answers.shift()));
		await page.keyboard.press('ControlOrMeta+A');
		await page.getByRole('toolbar').getByRole('button', { name: 'Link' }).click();
		await expect.poll(() => samen.locator('.ProseMirror a').getAttribute('href')).toBe('https://example.org');
		// Asked again with another scheme: nothing changes.
		await page.keyboard.press('ControlOrMeta+A');
		await page.getByRole('toolbar').getByRole('button', { name: 'Link' }).click();
		await expect.poll(() => answers.length).toBe(0);
		expect(await samen.locator('.ProseMirror a').getAttribute('href')).toBe('https://example.org');
		expect(await samen.locator('a[href^="javascript"]').count()).toBe(0);
		expect(errors).toEqual([]);
	});
});
