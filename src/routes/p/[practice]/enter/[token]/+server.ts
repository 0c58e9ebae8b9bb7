import { error, redirect } from '@sveltejs/kit';
import { getZwerm } from '$server/context.ts';
import { links } from '$server/practices.ts';
import { practiceIdParam, setSessionCookie } from '$lib/server/session.ts';
import type { RequestHandler } from './$types';

/** A member's personal link: sets the session on this device (e.g. a phone) and opens the practice. */
export const GET: RequestHandler = async ({ params, cookies, url }) => {
	const practiceId = practiceIdParam(params.practice);
	const member = await getZwerm().practices.sessionMember(practiceId, params.token);
	if (!member) error(403, { message: 'not-member' });
	setSessionCookie(cookies, practiceId, params.token, url.protocol === 'https:');
	redirect(303, links.practice(practiceId));
};
