import { error } from '@sveltejs/kit';
import { getZwerm } from '#server/context.ts';
import { historyAnswer } from '#lib/server/compressed.ts';
import { boardParam, handled, requireRole, seqParam } from '#lib/server/api.ts';
import type { RequestHandler } from './$types';

/**
 * GET ?from=A&to=B[&view=0]: the board at A (unless view=0) and one step per
 * change after it, up to B or until the page is full (2,000 steps or 1 MiB);
 * the answer's `to` says where it ended and the next page starts. Any member.
 */
export const GET: RequestHandler = async ({ params, cookies, request, url }) => {
	const { practice, member } = await requireRole(params, cookies, request, ['facilitator', 'participant', 'observer']);
	const boardId = boardParam(practice, params.board);
	const from = seqParam(url, 'from');
	const to = seqParam(url, 'to');
	if (to < from) error(400, { message: 'to must not be before from.', code: 'invalid-request' });
	const withView = url.searchParams.get('view') !== '0';
	return historyAnswer(request, member.id, () => handled(() => getZwerm().timeline.replay(practice.id, boardId, from, to, withView)));
};
