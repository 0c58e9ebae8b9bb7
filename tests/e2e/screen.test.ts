import jsQR from 'jsqr';
import type { Page } from 'playwright-core';
import { describe, expect, it } from '../helpers/fixture.ts';
import { createPracticeViaApi, type CreatedPractice } from '../helpers/app.ts';
import { signIn } from '../helpers/browser.ts';
import { LAPTOP, PHONE, ROOM, screenOptions, violations, type NewPage } from '../helpers/board.ts';
import { decodeServerMessage } from '../helpers/protocol.ts';

/**
 * The room's screen (server/screens.ts): a facilitator pairs it with a short
 * code from their own device; it shows how to join (a QR code that works on a
 * phone) and how many have, large and without controls; it is no member.
 */

/** The facilitator asks for a code on the overview; answers the code and the address to open. */
async function askForCode(page: Page): Promise<{ code: string; address: string }> {
	await page.getByRole('button', { name: 'Op het scherm zetten' }).first().click();
	const dialog = page.getByRole('dialog');
	const code = dialog.locator('[data-code]');
	await code.waitFor();
	return { code: (await code.getAttribute('data-code'))!, address: await dialog.locator('.address').innerText() };
}

/** The room's screen: a browser at 1920×1080 that types the code at /scherm. */
async function pairScreen(newPage: NewPage, appUrl: string, practice: CreatedPractice, code: string) {
	const screen = await newPage(screenOptions(ROOM));
	/** Every frame the screen receives over its websocket, decoded. */
	const received: ReturnType<typeof decodeServerMessage>[] = [];
	screen.page.on('websocket', (ws) =>
		ws.on('framereceived', ({ payload }) => {
			if (typeof payload !== 'string') received.push(decodeServerMessage(new Uint8Array(payload)));
		})
	);
	await screen.page.goto(`${appUrl}/scherm`);
	await screen.page.getByLabel('Code van de begeleider').fill(`${code.slice(0, 3).toLowerCase()} ${code.slice(3)}`);
	await screen.page.getByRole('button', { name: 'Koppelen' }).click();
	await screen.page.waitForURL(`${appUrl}/scherm/${practice.id}`, { waitUntil: 'commit' });
	return { ...screen, received };
}

/** Reads the QR code as drawn on the page: its SVG onto a canvas, the pixels decoded by jsQR. */
async function readQr(page: Page): Promise<string | null> {
	const image = await page.locator('.qr svg').evaluate(async (svg) => {
		const size = 600;
		const img = new Image();
		img.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(new XMLSerializer().serializeToString(svg))}`;
		await img.decode();
		const canvas = document.createElement('canvas');
		canvas.width = canvas.height = size + 80;
		const g = canvas.getContext('2d')!;
		g.fillStyle = '#fff';
		g.fillRect(0, 0, canvas.width, canvas.height);
		g.drawImage(img, 40, 40, size, size);
		return { width: canvas.width, height: canvas.height, data: Array.from(g.getImageData(0, 0, canvas.width, canvas.height).data) };
	});
	return jsQR(Uint8ClampedArray.from(image.data), image.width, image.height)?.data ?? null;
}

const joined = (page: Page) => page.locator('[data-count]').getAttribute('data-count').then(Number);

describe('the room’s screen', () => {
	it('is paired by a one-time code, shows a QR code a phone joins by, and counts who joined', async ({ app, newPage }) => {
		const practice = await createPracticeViaApi(app, { name: 'Wijkteam Noord leert samen', facilitatorName: 'Fenna' });
		const fenna = await newPage(screenOptions(LAPTOP));
		await signIn(fenna.page, practice);
		const { code, address } = await askForCode(fenna.page);
		expect(code).toMatch(/^[A-HJ-NP-Z2-9]{6}$/);
		expect(address).toBe(`${new URL(app.url).host}/scherm`);

		const screen = await pairScreen(newPage, app.url, practice, code);
		await expect.poll(() => screen.page.getByRole('heading', { level: 1 }).innerText()).toBe('Wijkteam Noord leert samen');
		// A screen, not a member: its own cookie, no member session.
		const cookies = (await screen.context.cookies()).map((c) => c.name);
		expect(cookies).toContain(`zws_${practice.id}`);
		expect(cookies).not.toContain(`zw_${practice.id}`);
		// The facilitator's dialog sees the code used.
		await expect.poll(() => fenna.page.getByRole('dialog').getByRole('status').innerText(), { timeout: 15000 }).toMatch(/^Het scherm is gekoppeld\./);

		// The QR code itself carries the participants' invite, and the link beside it says the same.
		await screen.page.getByRole('img', { name: 'QR-code om mee te doen met Wijkteam Noord leert samen' }).waitFor();
		const link = await readQr(screen.page);
		expect(link).toBe(practice.links.participant);
		expect(await screen.page.locator('[data-join]').innerText()).toBe(practice.links.participant.replace(/^https?:\/\//, ''));
		await expect.poll(() => joined(screen.page)).toBe(1);
		// Nothing to press, no page chrome.
		expect(await screen.page.getByRole('button').count()).toBe(0);
		expect(await violations(screen.page)).toEqual([]);

		// A phone in the room scans it and joins; the screen counts them at once.
		const phone = await newPage(screenOptions(PHONE));
		await phone.page.goto(link!);
		await phone.page.getByLabel('Jouw naam').fill('Piet');
		await phone.page.getByRole('button', { name: 'Meedoen' }).tap();
		await phone.page.waitForURL(`${app.url}/p/${practice.id}`, { waitUntil: 'commit' });
		await expect.poll(() => phone.page.getByText(/^Je bent hier als /).innerText()).toBe('Je bent hier als Piet (deelnemer).');
		await expect.poll(() => joined(screen.page)).toBe(2);
		expect(await screen.page.locator('[data-count]').innerText()).toBe('2 mensen doen mee');

		// The facilitator unpairs it: the screen says so and shows nothing of the practice any more.
		await fenna.page.getByRole('dialog').getByRole('button', { name: /^Scherm loskoppelen/ }).click();
		await expect.poll(() => screen.page.getByRole('heading', { level: 1 }).innerText()).toBe('Dit scherm is niet gekoppeld');
		expect(await screen.page.locator('.qr').count()).toBe(0);
		expect(screen.received.filter((m) => m.documentName.endsWith('/private'))).toEqual([]);
		for (const page of [fenna.page, screen.page, phone.page]) expect(page.isClosed()).toBe(false);
		expect([...fenna.errors, ...screen.errors, ...phone.errors]).toEqual([]);
	});

	it('refuses a wrong code with a clear sentence', async ({ app, newPage }) => {
		const screen = await newPage(screenOptions(ROOM));
		await screen.page.goto(`${app.url}/scherm`);
		await screen.page.getByLabel('Code van de begeleider').fill('ABCDEF');
		await screen.page.getByRole('button', { name: 'Koppelen' }).click();
		await expect
			.poll(() => screen.page.getByRole('alert').innerText())
			.toBe('Deze code klopt niet, is verlopen of is al gebruikt. Vraag op je eigen apparaat een nieuwe code aan.');
		expect(screen.page.url()).toBe(`${app.url}/scherm`);
		expect(await violations(screen.page)).toEqual([]);
	});
});
