import { json } from '@sveltejs/kit';
import { getZwerm } from '#server/context.ts';
import { handled, requireRole } from '#lib/server/api.ts';
import type { RequestHandler } from './$types';

/** POST: new invite links; the old ones stop working (facilitators). */
export const POST: RequestHandler = async ({ params, cookies, request, url }) => {
	const { practice } = await requireRole(params, cookies, request, ['facilitator']);
	const links = await handled(() => getZwerm().practices.renewInvites(practice.id));
	return json({ participant: new URL(links.participant, url).href, observer: new URL(links.observer, url).href });
};
