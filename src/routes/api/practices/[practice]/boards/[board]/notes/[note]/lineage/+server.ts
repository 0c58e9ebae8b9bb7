import { getZwerm } from '#server/context.ts';
import { historyAnswer } from '#lib/server/compressed.ts';
import { boardParam, handled, noteParam, requireRole } from '#lib/server/api.ts';
import type { RequestHandler } from './$types';

/** GET: a collective note's lineage (its sources, its steps with who, when and in which meeting); any member. */
export const GET: RequestHandler = async ({ params, cookies, request }) => {
	const { practice, member } = await requireRole(params, cookies, request, ['facilitator', 'participant', 'observer']);
	const boardId = boardParam(practice, params.board);
	const noteId = noteParam(params.note);
	return historyAnswer(request, member.id, () => handled(() => getZwerm().figures.lineage(practice.id, boardId, noteId)));
};
