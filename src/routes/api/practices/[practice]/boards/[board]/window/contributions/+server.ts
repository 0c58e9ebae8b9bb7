import { json } from '@sveltejs/kit';
import { getZwerm } from '$server/context.ts';
import { boardParam, handled, requireRole } from '$lib/server/api.ts';
import type { RequestHandler } from './$types';

/**
 * GET: per member, how many notes they contributed to this board since its
 * collection window opened (facilitators). Counts only: no content, no note ids.
 */
export const GET: RequestHandler = async ({ params, cookies, request }) => {
	const { practice } = await requireRole(params, cookies, request, ['facilitator']);
	const boardId = boardParam(practice, params.board);
	const { window, members } = await handled(() => getZwerm().windows.contributions(practice.id, boardId));
	return json(
		{ opensAt: new Date(window.opensAt).toISOString(), members },
		{ headers: { 'cache-control': 'no-store' } }
	);
};
