import { json } from '@sveltejs/kit';
import QRCode from 'qrcode';
import { getZwerm } from '#server/context.ts';
import { readJson, requireRole } from '#lib/server/api.ts';
import type { RequestHandler } from './$types';

const EVERYONE = ['facilitator', 'participant', 'observer'] as const;

/**
 * POST (JSON): a one-time link, and its QR code, that signs another device in
 * as this member; it ends the member's previous one (see docs/API.md).
 */
export const POST: RequestHandler = async ({ params, cookies, request, url }) => {
	const { member } = await requireRole(params, cookies, request, EVERYONE);
	await readJson(request); // JSON only: a cross-site page cannot send it without a preflight we never answer
	const issued = await getZwerm().deviceCodes.issue(member);
	const link = new URL(issued.link, url).href;
	return json(
		{
			link,
			expiresAt: new Date(issued.expiresAt).toISOString(),
			member: { id: member.id, name: member.name },
			qr: await QRCode.toString(link, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' })
		},
		{ status: 201, headers: { 'cache-control': 'no-store' } }
	);
};

/** DELETE: the member's link stops working before it expires. */
export const DELETE: RequestHandler = async ({ params, cookies, request }) => {
	const { member } = await requireRole(params, cookies, request, EVERYONE);
	await getZwerm().deviceCodes.revoke(member);
	return new Response(null, { status: 204 });
};
