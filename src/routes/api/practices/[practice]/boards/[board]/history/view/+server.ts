import { getZwerm } from '#server/context.ts';
import { historyAnswer } from '#lib/server/compressed.ts';
import { boardParam, handled, requireRole, seqParam } from '#lib/server/api.ts';
import type { RequestHandler } from './$types';

/** GET ?seq=N: the board as it was right after change N, read-only; any member. */
export const GET: RequestHandler = async ({ params, cookies, request, url }) => {
	const { practice, member } = await requireRole(params, cookies, request, ['facilitator', 'participant', 'observer']);
	const boardId = boardParam(practice, params.board);
	const seq = seqParam(url, 'seq');
	return historyAnswer(request, member.id, () => handled(() => getZwerm().timeline.view(practice.id, boardId, seq)));
};
