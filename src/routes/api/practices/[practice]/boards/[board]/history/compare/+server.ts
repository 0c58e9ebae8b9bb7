import { getZwerm } from '#server/context.ts';
import { historyAnswer } from '#lib/server/compressed.ts';
import { boardParam, handled, requireRole, seqParam } from '#lib/server/api.ts';
import type { RequestHandler } from './$types';

/** GET ?from=A&to=B: notes added, removed, changed (with a word diff), moved between lanes, brought in; any member. */
export const GET: RequestHandler = async ({ params, cookies, request, url }) => {
	const { practice, member } = await requireRole(params, cookies, request, ['facilitator', 'participant', 'observer']);
	const boardId = boardParam(practice, params.board);
	const from = seqParam(url, 'from');
	const to = seqParam(url, 'to');
	return historyAnswer(request, member.id, () => handled(() => getZwerm().timeline.compare(practice.id, boardId, from, to)));
};
