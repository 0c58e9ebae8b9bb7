import { fail, redirect } from '@sveltejs/kit';
import { getZwerm } from '#server/context.ts';
import { setScreenCookie } from '#lib/server/session.ts';
import { signInBudget } from '#lib/server/rate-limit.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ setHeaders }) => {
	// A sign-in form (never framed: hooks.server.ts), not kept in caches.
	setHeaders({ 'cache-control': 'no-store' });
	return {};
};

export const actions: Actions = {
	/**
	 * The room's screen types the facilitator's code (server/screens.ts). A
	 * wrong code spends one of the address's failed sign-ins, like a refused
	 * websocket sign-in; with none left, nothing is looked up.
	 */
	default: async (event) => {
		const raw = String((await event.request.formData()).get('code') ?? '').slice(0, 32);
		const budget = signInBudget(event);
		if (budget.refused !== null) return fail(429, { code: raw, error: 'rate-limited' as const, retryAfter: budget.refused });
		const paired = await getZwerm().screens.pair(raw);
		if (!paired) {
			budget.spend();
			return fail(400, { code: raw, error: 'wrong-code' as const, retryAfter: 0 });
		}
		setScreenCookie(event.cookies, paired.screen.practiceId, paired.token, event.url.protocol === 'https:');
		redirect(303, `/scherm/${paired.screen.practiceId}`);
	}
};
