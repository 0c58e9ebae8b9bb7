import { error, redirect } from '@sveltejs/kit';
import { getZwerm } from '#server/context.ts';
import { links } from '#server/practices.ts';
import { signInBudget } from '#lib/server/rate-limit.ts';
import type { PageServerLoad } from './$types';

/**
 * The room screen's short link (server/short-links.ts): `/j/ABCD-EFGH` leads
 * to the participants' invite, which still asks for a name. `/j` alone, or a
 * wrong code, shows a field to type it. A wrong code spends one of the
 * address's failed sign-ins, like a wrong screen code: 2^40 codes cannot be
 * walked from one address, and with none left nothing is looked up.
 */
export const load: PageServerLoad = async (event) => {
	event.setHeaders({ 'cache-control': 'no-store' });
	const raw = event.params.code ?? event.url.searchParams.get('code');
	if (raw === null || raw.trim() === '') return { typed: '' };
	const budget = signInBudget(event, 'short-code-refused');
	if (budget.refused !== null) error(429, { message: 'rate-limited', retryAfter: budget.refused, typed: raw.slice(0, 32) } as App.Error);
	const found = await getZwerm().shortLinks.resolve(raw);
	if (found) redirect(303, links.invite(found.inviteToken));
	budget.spend();
	error(404, { message: 'unknown-code', retryAfter: 0, typed: raw.slice(0, 32) } as App.Error);
};
