import { getZwerm } from '#server/context.ts';
import { historyAnswer } from '#lib/server/compressed.ts';
import { handled, requireRole } from '#lib/server/api.ts';
import type { RequestHandler } from './$types';

/** GET: every board's figures and coverage per chapter; the asking member's own figures beside the group's. */
export const GET: RequestHandler = async ({ params, cookies, request }) => {
	const { practice, member } = await requireRole(params, cookies, request, ['facilitator', 'participant', 'observer']);
	return historyAnswer(request, member.id, () => handled(() => getZwerm().figures.figures(practice.id, member.id)));
};
