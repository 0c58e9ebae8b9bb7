import { json } from '@sveltejs/kit';
import { getZwerm } from '#server/context.ts';
import { historyAnswer } from '#lib/server/compressed.ts';
import { boardParam, handled, requireRole } from '#lib/server/api.ts';
import type { RequestHandler } from './$types';

/** GET: the notes of this board added or changed since my last visit (not in my own lane). */
export const GET: RequestHandler = async ({ params, cookies, request }) => {
	const { practice, member } = await requireRole(params, cookies, request, ['facilitator', 'participant', 'observer']);
	const boardId = boardParam(practice, params.board);
	return historyAnswer(request, member.id, () => handled(() => getZwerm().news.news(practice.id, boardId, member.id)));
};

/** POST: I have seen this board as it is now. */
export const POST: RequestHandler = async ({ params, cookies, request }) => {
	const { practice, member } = await requireRole(params, cookies, request, ['facilitator', 'participant', 'observer']);
	const boardId = boardParam(practice, params.board);
	const seq = await handled(() => getZwerm().news.markSeen(practice.id, boardId, member.id));
	return json({ seen: seq });
};
