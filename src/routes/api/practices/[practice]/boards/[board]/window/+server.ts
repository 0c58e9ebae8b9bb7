import { json } from '@sveltejs/kit';
import { getZwerm } from '$server/context.ts';
import { boardParam, handled, readJson, requireRole } from '$lib/server/api.ts';
import type { CollectionWindow } from '$lib/domain/windows.ts';
import type { RequestHandler } from './$types';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const windowJson = (w: CollectionWindow) => ({ question: w.question, opensAt: iso(w.opensAt), deadline: iso(w.deadline), closedAt: iso(w.closedAt) });

/** POST { deadline, question? }: open this board for contributions, or change the open window (facilitators). */
export const POST: RequestHandler = async ({ params, cookies, request }) => {
	const { practice } = await requireRole(params, cookies, request, ['facilitator']);
	const boardId = boardParam(practice, params.board);
	const body = await readJson(request);
	const { window, opened } = await handled(() => getZwerm().windows.open(practice.id, boardId, body));
	return json(windowJson(window), { status: opened ? 201 : 200 });
};

/** DELETE: close the open window now (facilitators). */
export const DELETE: RequestHandler = async ({ params, cookies, request }) => {
	const { practice } = await requireRole(params, cookies, request, ['facilitator']);
	const boardId = boardParam(practice, params.board);
	await handled(() => getZwerm().windows.close(practice.id, boardId));
	return new Response(null, { status: 204 });
};
