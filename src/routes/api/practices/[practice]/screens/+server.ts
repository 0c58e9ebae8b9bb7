import { json } from '@sveltejs/kit';
import { getZwerm } from '#server/context.ts';
import { readJson, requireRole } from '#lib/server/api.ts';
import type { RequestHandler } from './$types';

const FACILITATOR = ['facilitator'] as const;

/**
 * POST (JSON, `{}`): a short one-time code that pairs the room's screen at
 * `/scherm`; it ends this facilitator's previous waiting code (see docs/API.md).
 */
export const POST: RequestHandler = async ({ params, cookies, request, url }) => {
	const { member } = await requireRole(params, cookies, request, FACILITATOR);
	await readJson(request); // JSON only: a cross-site page cannot send it without a preflight we never answer
	const offered = await getZwerm().screens.offer(member);
	return json(
		{ code: offered.code, screen: offered.screenId, expiresAt: new Date(offered.expiresAt).toISOString(), pairAt: new URL('/scherm', url).href },
		{ status: 201, headers: { 'cache-control': 'no-store' } }
	);
};

/** GET: the practice's paired screens (facilitators), so a dialog can tell when its code was used. */
export const GET: RequestHandler = async ({ params, cookies, request }) => {
	const { practice } = await requireRole(params, cookies, request, FACILITATOR);
	const screens = await getZwerm().screens.list(practice.id);
	return json(
		{ screens: screens.map((s) => ({ id: s.id, pairedBy: s.pairedBy, pairedAt: new Date(s.pairedAt ?? s.createdAt).toISOString() })) },
		{ headers: { 'cache-control': 'no-store' } }
	);
};
