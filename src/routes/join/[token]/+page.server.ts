import { fail, redirect } from '@sveltejs/kit';
import { z } from 'zod';
import { getZwerm } from '#server/context.ts';
import { links } from '#server/practices.ts';
import { sessionCookieName } from '#server/tokens.ts';
import { setSessionCookie } from '#lib/server/session.ts';
import type { Actions, PageServerLoad } from './$types';

/**
 * The invite's join form. A browser already signed in to that practice is
 * told as whom first, and offered to go on as that member: joining makes a new
 * member and signs the old one out on this device, which must never happen
 * without the member seeing it (docs/THREAT_MODEL.md, Identity).
 */
export const load: PageServerLoad = async ({ params, cookies }) => {
	const zwerm = getZwerm();
	const invite = await zwerm.practices.findInvite(params.token);
	const practice = invite ? await zwerm.practices.get(invite.practiceId) : null;
	const current = practice ? await zwerm.practices.sessionMember(practice.id, cookies.get(sessionCookieName(practice.id))) : null;
	return {
		valid: !!practice,
		practiceId: practice?.id ?? null,
		practiceName: practice?.name ?? '',
		role: invite?.role ?? null,
		current: current ? { name: current.name } : null
	};
};

export const actions: Actions = {
	default: async ({ params, request, cookies, url }) => {
		const name = String((await request.formData()).get('name') ?? '');
		let session;
		try {
			session = await getZwerm().practices.join(params.token, { name });
		} catch (e) {
			if (e instanceof z.ZodError) return fail(400, { name, errors: e.issues.map((i) => i.message) });
			// Another member has this name or one that looks the same (server/practices.ts).
			if ((e as { code?: unknown } | null)?.code === 'name-taken') return fail(409, { name, errors: ['name-taken'] });
			throw e;
		}
		if (!session) return fail(404, { name, errors: ['invalid-invite'] });
		setSessionCookie(cookies, session.member.practiceId, session.token, url.protocol === 'https:');
		redirect(303, links.practice(session.member.practiceId));
	}
};
