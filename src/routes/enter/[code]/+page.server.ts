import { fail, redirect, type Cookies } from '@sveltejs/kit';
import { getZwerm } from '#server/context.ts';
import { links } from '#server/practices.ts';
import { sessionCookieName } from '#server/tokens.ts';
import { setSessionCookie } from '#lib/server/session.ts';
import type { MemberRecord } from '#server/records.ts';
import type { Actions, PageServerLoad } from './$types';

/** The member this browser is signed in as in that practice, if any. */
function currentMember(cookies: Cookies, target: MemberRecord): Promise<MemberRecord | null> {
	return getZwerm().practices.sessionMember(target.practiceId, cookies.get(sessionCookieName(target.practiceId)));
}

// The URL holds a secret: no caches, no Referer to other sites, no framing (a click on a framed
// "switch" button). Not `no-referrer`: with it Chromium sends `Origin: null` on the form post,
// which SvelteKit's cross-site check then refuses.
const HEADERS = {
	'cache-control': 'no-store',
	'referrer-policy': 'same-origin',
	'x-frame-options': 'DENY',
	'content-security-policy': "frame-ancestors 'none'"
};

/**
 * A one-time link to continue on another device. Opening it (GET) only shows
 * who it signs in as and changes nothing, so a cross-site navigation or a link
 * preview neither uses it up nor signs anyone in. The confirmation is a form
 * POST, which SvelteKit refuses from other origins.
 */
export const load: PageServerLoad = async ({ params, cookies, setHeaders }) => {
	setHeaders(HEADERS);
	const zwerm = getZwerm();
	const found = await zwerm.deviceCodes.peek(params.code);
	const practice = found && (await zwerm.practices.get(found.member.practiceId));
	if (!found || !practice) return { state: 'invalid' as const };
	const { member } = found;
	const current = await currentMember(cookies, member);
	// Already this member here: nothing to do, and the link stays usable for the device it was meant for.
	if (current?.id === member.id) redirect(303, links.practice(member.practiceId));
	return {
		state: current ? ('switch' as const) : ('sign-in' as const),
		practice: { id: practice.id, name: practice.name },
		target: { name: member.name, role: member.role },
		current: current ? { name: current.name } : null
	};
};

export const actions: Actions = {
	default: async ({ params, cookies, url }) => {
		const zwerm = getZwerm();
		const found = await zwerm.deviceCodes.peek(params.code);
		if (found && (await currentMember(cookies, found.member))?.id === found.member.id) redirect(303, links.practice(found.member.practiceId));
		const session = await zwerm.deviceCodes.redeem(params.code);
		if (!session) return fail(410, { used: true });
		setSessionCookie(cookies, session.member.practiceId, session.token, url.protocol === 'https:');
		redirect(303, links.practice(session.member.practiceId));
	}
};
