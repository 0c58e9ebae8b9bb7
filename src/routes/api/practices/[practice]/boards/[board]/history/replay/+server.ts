import { error, json } from '@sveltejs/kit';
import { getZwerm } from '$server/context.ts';
import { boardParam, handled, requireRole, seqParam } from '$lib/server/api.ts';
import type { RequestHandler } from './$types';

/** GET ?from=A&to=B: the board at A and one step per change up to B (at most 2,000); any member. */
export const GET: RequestHandler = async ({ params, cookies, request, url }) => {
	const { practice } = await requireRole(params, cookies, request, ['facilitator', 'participant', 'observer']);
	const boardId = boardParam(practice, params.board);
	const from = seqParam(url, 'from');
	const to = seqParam(url, 'to');
	if (to < from) error(400, { message: 'to must not be before from.', code: 'invalid-request' });
	return json(await handled(() => getZwerm().history.replay(practice.id, boardId, from, to)));
};
