import { json } from '@sveltejs/kit';
import { getZwerm } from '#server/context.ts';
import { sessionCookieName } from '#server/tokens.ts';
import { handled, readJson, requireRole } from '#lib/server/api.ts';
import type { RequestHandler } from './$types';

/**
 * POST { shared: 'erase' | 'anonymize' }: the member leaves. Their private notes
 * are erased, also from the stored history; their shared notes are erased or
 * kept without their name.
 */
export const POST: RequestHandler = async ({ params, cookies, request }) => {
	const { practice, member } = await requireRole(params, cookies, request, ['facilitator', 'participant', 'observer']);
	const body = await readJson(request);
	await handled(() => getZwerm().practices.leave(practice.id, member.id, body));
	cookies.delete(sessionCookieName(practice.id), { path: '/' });
	return json({ left: true });
};
