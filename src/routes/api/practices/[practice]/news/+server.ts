import { getZwerm } from '#server/context.ts';
import { historyAnswer } from '#lib/server/compressed.ts';
import { handled, requireRole } from '#lib/server/api.ts';
import type { RequestHandler } from './$types';

/** GET: per board, how many notes are new or changed since my last visit. */
export const GET: RequestHandler = async ({ params, cookies, request }) => {
	const { practice, member } = await requireRole(params, cookies, request, ['facilitator', 'participant', 'observer']);
	return historyAnswer(request, member.id, async () => ({ boards: await handled(() => getZwerm().news.newsCounts(practice.id, member.id)) }));
};
