import { json } from '@sveltejs/kit';
import { getZwerm } from '$server/context.ts';
import { boardParam, handled, requireRole } from '$lib/server/api.ts';
import type { RequestHandler } from './$types';

/** POST: reveal the running silent round now (facilitators). */
export const POST: RequestHandler = async ({ params, cookies, request }) => {
	const { practice } = await requireRole(params, cookies, request, ['facilitator']);
	const boardId = boardParam(practice, params.board);
	await handled(() => getZwerm().privacy.reveal(practice.id, boardId));
	return json({ revealed: true });
};
