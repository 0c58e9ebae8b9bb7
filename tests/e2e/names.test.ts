import { describe, expect, test } from '../helpers/fixture.ts';
import { createPracticeViaApi, type CreatedPractice, type RunningApp } from '../helpers/app.ts';

/**
 * A display name must not pass for another member's: an exact or
 * case-changed copy, a look-alike in another script, or a name carrying a
 * right-to-left override or a zero-width space is refused with a message the
 * join form and the facilitator's rename show.
 */
const TAKEN_NL = 'Deze naam is al in gebruik in deze praktijk';
const INVALID_NL = 'Die naam bevat tekens die niet kunnen';

const asFacilitator = (practice: CreatedPractice) => ({ authorization: `Bearer ${practice.facilitator.token}` });

/** The join form, posted as the browser does without JavaScript. */
const join = (app: RunningApp, practice: CreatedPractice, name: string) =>
	fetch(practice.links.participant, {
		method: 'POST',
		headers: { 'content-type': 'application/x-www-form-urlencoded', origin: app.url, accept: 'text/html' },
		body: new URLSearchParams({ name }).toString(),
		redirect: 'manual'
	});

/** One practice for the file: Anna facilitates, Piet has joined. */
const it = test.extend('wijkteam', { scope: 'file' }, async ({ app }) => {
	const practice = await createPracticeViaApi(app, { name: 'Wijkteam Zuid', facilitatorName: 'Anna' });
	const piet = await join(app, practice, 'Piet');
	if (piet.status !== 303) throw new Error(`Piet could not join: ${piet.status} ${await piet.text()}`);
	const exported = await fetch(`${app.url}/api/practices/${practice.id}/export`, { headers: asFacilitator(practice) });
	const { members } = (await exported.json()) as { members: { id: string; name: string }[] };
	return { practice, pietId: members.find((m) => m.name === 'Piet')!.id };
});

describe('display names', () => {
	it.for([
		['an exact copy of another member’s name', 'Anna', 409, TAKEN_NL],
		['the same name in other letters’ case', 'ANNA', 409, TAKEN_NL],
		['a Cyrillic look-alike (А is U+0410)', '\u0410nna', 409, TAKEN_NL],
		['a right-to-left override (U+202E)', 'Pi\u202Eet', 400, INVALID_NL],
		['a zero-width space (U+200B)', 'An\u200Bna', 400, INVALID_NL]
	] as const)('refuses %s when joining, with a clear message', async ([, name, status, message], { app, wijkteam }) => {
		const res = await join(app, wijkteam.practice, name);
		expect(res.status).toBe(status);
		expect(res.headers.get('set-cookie')).toBeNull();
		expect(await res.text()).toContain(message);
	});

	it('refuses a facilitator’s rename to a name that looks like another member’s', async ({ app, wijkteam: { practice, pietId } }) => {
		const rename = (name: string) =>
			fetch(`${app.url}/api/practices/${practice.id}/members/${pietId}`, {
				method: 'PATCH',
				headers: { ...asFacilitator(practice), 'content-type': 'application/json', origin: app.url },
				body: JSON.stringify({ name })
			});
		const taken = await rename('\u0410NNA');
		expect(taken.status).toBe(409);
		expect(await taken.json()).toMatchObject({ code: 'name-taken' });
		const invalid = await rename('Pi\u200Bet');
		expect(invalid.status).toBe(400);
		expect(await invalid.json()).toMatchObject({ code: 'invalid-request', message: 'name: name-invalid' });
		// A name of their own, normalised, is fine.
		const ok = await rename('  Piet   de\u00A0Vries ');
		expect(ok.status).toBe(200);
		expect(await ok.json()).toMatchObject({ id: pietId, name: 'Piet de Vries' });
	});

	it('shows the join form’s refusal in the browser', async ({ wijkteam, newPage }) => {
		const { page, errors } = await newPage();
		await page.goto(wijkteam.practice.links.participant);
		await page.getByLabel('Jouw naam').fill('\u0410nna');
		await page.getByRole('button', { name: 'Meedoen' }).click();
		await expect.poll(() => page.getByRole('alert').textContent()).toContain(TAKEN_NL);
		expect(new URL(page.url()).pathname).toMatch(/^\/join\//);
		for (const viewport of [
			{ width: 1366, height: 768 },
			{ width: 390, height: 844 },
			{ width: 1920, height: 1080 }
		]) {
			await page.setViewportSize(viewport);
			await page.screenshot({ path: `/tmp/zwerm-join-name-taken-${viewport.width}.png` });
		}
		expect(errors).toEqual([]);
	});
});
