import { describe, expect, it } from '../helpers/fixture.ts';
import { createPracticeViaApi } from '../helpers/app.ts';
import { signIn } from '../helpers/browser.ts';
import { LAPTOP, PHONE, screenOptions, violations } from '../helpers/board.ts';
import { askForCode, pairScreen, readQr, shortLinkFor } from '../helpers/screen.ts';

/**
 * The short link (server/short-links.ts): `/j/ABCD-EFGH`, typed from the room's
 * screen, leads to the participants' invite and nowhere else. Guessing one
 * costs the address's failed sign-ins; renewing the invites replaces it, also
 * on the screen.
 */
it.override('appOptions', { env: { ZWERM_TRUST_PROXY: '1', ZWERM_AUTH_FAILURE_BURST: '5' } });

const CODE = /^[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}$/;

describe('the short link', () => {
	it('is on the facilitator’s overview and leads, typed by hand in any case, to the invite and into the practice', async ({ app, newPage }) => {
		const practice = await createPracticeViaApi(app, { name: 'Leerkring Zorg', facilitatorName: 'Fenna' });
		const fenna = await newPage(screenOptions(LAPTOP));
		await signIn(fenna.page, practice);
		const shown = await fenna.page.getByLabel('Korte link voor deelnemers (om over te typen)').inputValue();
		expect(shown).toBe(shortLinkFor(practice.links.participant));
		const code = shown.split('/j/')[1];
		expect(code).toMatch(CODE);

		// Someone in the room types it on a phone: lower case, no dash.
		const phone = await newPage(screenOptions(PHONE));
		await phone.page.goto(`${app.url}/j`);
		expect(await violations(phone.page)).toEqual([]);
		await phone.page.getByLabel('Code van het scherm').fill(code.replace('-', '').toLowerCase());
		await phone.page.getByRole('button', { name: 'Verder' }).tap();
		await phone.page.waitForURL(practice.links.participant, { waitUntil: 'commit' });
		await expect.poll(() => phone.page.getByRole('heading', { level: 1 }).innerText()).toBe('Doe mee met Leerkring Zorg');
		await phone.page.getByLabel('Jouw naam').fill('Piet');
		await phone.page.getByRole('button', { name: 'Meedoen' }).tap();
		await phone.page.waitForURL(`${app.url}/p/${practice.id}`, { waitUntil: 'commit' });
		await expect.poll(() => phone.page.getByText(/^Je bent hier als /).innerText()).toBe('Je bent hier als Piet (deelnemer).');

		// A typo: a clear answer, the code kept to correct, and no way in.
		const typo = await newPage(screenOptions(PHONE));
		const answer = await typo.page.goto(`${app.url}/j/${code.slice(0, 8)}${code[8] === 'A' ? 'B' : 'A'}`);
		expect(answer?.status()).toBe(404);
		expect(await typo.page.getByRole('alert').innerText()).toMatch(/^Deze code kennen we niet\./);
		expect(await typo.page.getByLabel('Code van het scherm').inputValue()).toHaveLength(9);
		expect(typo.page.url()).not.toContain('/join/');
		expect(await violations(typo.page)).toEqual([]);
		expect([...fenna.errors, ...phone.errors]).toEqual([]);
	});

	it('costs a failed sign-in for every wrong code, then refuses even the right one from that address', async ({ app }) => {
		const practice = await createPracticeViaApi(app, { name: 'Raden', facilitatorName: 'Fenna' });
		const right = shortLinkFor(practice.links.participant).split('/j/')[1];
		const from = (address: string, code: string) =>
			fetch(`${app.url}/j/${encodeURIComponent(code)}`, { redirect: 'manual', headers: { 'x-forwarded-for': address, accept: 'text/html' } });

		// The right code: straight to the invite, nothing spent.
		const ok = await from('203.0.113.9', right);
		expect(ok.status).toBe(303);
		expect(new URL(ok.headers.get('location')!, app.url).href).toBe(practice.links.participant);

		// Wrong, malformed and absurd codes are all "unknown", never a server error; each costs one of five.
		const wrong = ['AAAA-AAAA', 'x', '../../etc/passwd', '0'.repeat(4000), 'abcd efgh'];
		for (const code of wrong) expect((await from('203.0.113.7', code)).status, code).toBe(404);
		const refused = await from('203.0.113.7', right);
		expect(refused.status).toBe(429);
		expect(await refused.text()).toContain('Te veel verkeerde codes');
		// Another address is not held up by it.
		expect((await from('203.0.113.8', right)).status).toBe(303);
	});

	it('changes when the invites are renewed: the old one leads nowhere, and the room’s screen shows the new one without a reload', async ({ app, newPage }) => {
		const practice = await createPracticeViaApi(app, { name: 'Vernieuwen', facilitatorName: 'Fenna' });
		const fenna = await newPage(screenOptions(LAPTOP));
		await signIn(fenna.page, practice);
		const { code } = await askForCode(fenna.page);
		const screen = await pairScreen(newPage, app.url, practice, code);
		await screen.page.locator('.qr svg').waitFor();
		const before = shortLinkFor(practice.links.participant);
		expect(await readQr(screen.page)).toBe(before);
		await fenna.page.keyboard.press('Escape');

		await fenna.page.getByRole('button', { name: 'Nieuwe uitnodigingslinks maken' }).click();
		const link = fenna.page.getByLabel('Link voor deelnemers', { exact: true });
		await expect.poll(() => link.inputValue()).not.toBe(practice.links.participant);
		const after = shortLinkFor(await link.inputValue());
		expect(after).not.toBe(before);
		await expect.poll(() => fenna.page.getByLabel('Korte link voor deelnemers (om over te typen)').inputValue()).toBe(after);

		// The screen: the new link and QR code, on the same page (no reload, no navigation).
		const url = screen.page.url();
		await expect.poll(() => screen.page.locator('[data-join]').getAttribute('data-join'), { timeout: 15000 }).toBe(after);
		expect(await readQr(screen.page)).toBe(after);
		expect(screen.page.url()).toBe(url);

		expect((await fetch(before, { redirect: 'manual' })).status).toBe(404);
		const followed = await fetch(after, { redirect: 'manual' });
		expect(followed.status).toBe(303);
		expect(new URL(followed.headers.get('location')!, app.url).href).toBe(await link.inputValue());
		expect([...fenna.errors, ...screen.errors]).toEqual([]);
	});
});
