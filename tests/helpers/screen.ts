import jsQR from 'jsqr';
import type { Page } from 'playwright-core';
import { formatShortCode, shortCodeOf } from '#server/short-links.ts';
import type { CreatedPractice } from './app.ts';
import { ROOM, screenOptions, type NewPage } from './board.ts';
import { decodeServerMessage } from './protocol.ts';

/** Reads the QR code as the room's screen draws it: its SVG onto a canvas, the pixels decoded by jsQR. */
export async function readQr(page: Page): Promise<string | null> {
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

/** The short link the room's screen shows for a participants' invite link (server/short-links.ts). */
export function shortLinkFor(inviteLink: string): string {
	const url = new URL(inviteLink);
	const token = url.pathname.split('/').pop()!;
	return `${url.origin}/j/${formatShortCode(shortCodeOf(token))}`;
}

/** The facilitator asks for a code on the overview; answers the code and the address to open. */
export async function askForCode(page: Page): Promise<{ code: string; address: string }> {
	await page.getByRole('button', { name: 'Op het scherm zetten' }).first().click();
	const dialog = page.getByRole('dialog');
	const code = dialog.locator('[data-code]');
	await code.waitFor();
	return { code: (await code.getAttribute('data-code'))!, address: await dialog.locator('.address').innerText() };
}

/** The room's screen: a browser at 1920×1080 that types the code at /scherm. */
export async function pairScreen(newPage: NewPage, appUrl: string, practice: CreatedPractice, code: string) {
	const screen = await newPage(screenOptions(ROOM));
	/** Every frame the screen receives over its websocket, decoded. */
	const received: ReturnType<typeof decodeServerMessage>[] = [];
	const raw: Uint8Array[] = [];
	screen.page.on('websocket', (ws) =>
		ws.on('framereceived', ({ payload }) => {
			if (typeof payload === 'string') return;
			raw.push(new Uint8Array(payload));
			received.push(decodeServerMessage(new Uint8Array(payload)));
		})
	);
	await screen.page.goto(`${appUrl}/scherm`);
	await screen.page.getByLabel('Code van de begeleider').fill(`${code.slice(0, 3).toLowerCase()} ${code.slice(3)}`);
	await screen.page.getByRole('button', { name: 'Koppelen' }).click();
	await screen.page.waitForURL(`${appUrl}/scherm/${practice.id}`, { waitUntil: 'commit' });
	return { ...screen, received, raw };
}
