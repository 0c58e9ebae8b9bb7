import { json } from '@sveltejs/kit';
import { z } from 'zod';
import { getZwerm } from '#server/context.ts';
import { boardParam, handled, readJson, requireRole } from '#lib/server/api.ts';
import type { RequestHandler } from './$types';

const Restore = z.strictObject({ seq: z.number().int().min(0), name: z.string().trim().min(1).max(200) });

/** POST { seq, name }: bring the collective lane back to how it was at seq, as a new change (facilitators). */
export const POST: RequestHandler = async ({ params, cookies, request }) => {
	const { practice, member } = await requireRole(params, cookies, request, ['facilitator']);
	const boardId = boardParam(practice, params.board);
	const body = await readJson(request);
	const mark = await handled(async () => {
		const { seq, name } = Restore.parse(body);
		return getZwerm().timeline.restore(practice.id, boardId, seq, member.id, name);
	});
	return json(mark, { status: 201 });
};
