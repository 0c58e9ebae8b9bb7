import { getZwerm } from '#server/context.ts';
import { historyAnswer } from '#lib/server/compressed.ts';
import { boardParam, handled, requireRole } from '#lib/server/api.ts';
import type { RequestHandler } from './$types';

/** GET: every change of this board (who, when, which lane) and its marks; any member. */
export const GET: RequestHandler = async ({ params, cookies, request }) => {
	const { practice, member } = await requireRole(params, cookies, request, ['facilitator', 'participant', 'observer']);
	const boardId = boardParam(practice, params.board);
	return historyAnswer(request, member.id, () => handled(() => getZwerm().timeline.timeline(practice.id, boardId)));
};
