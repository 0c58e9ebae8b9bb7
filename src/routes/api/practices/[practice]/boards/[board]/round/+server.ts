import { json } from '@sveltejs/kit';
import { z } from 'zod';
import { getZwerm } from '$server/context.ts';
import { boardParam, handled, readJson, requireRole } from '$lib/server/api.ts';
import type { RequestHandler } from './$types';

const StartRound = z.strictObject({ minutes: z.number().min(0.05).max(120) });

/** POST { minutes }: start a silent round on this board (facilitators). */
export const POST: RequestHandler = async ({ params, cookies, request }) => {
	const { practice } = await requireRole(params, cookies, request, ['facilitator']);
	const boardId = boardParam(practice, params.board);
	const body = await readJson(request);
	const round = await handled(async () => {
		const { minutes } = StartRound.parse(body);
		return getZwerm().privacy.startRound(practice.id, boardId, Math.round(minutes * 60_000));
	});
	return json({ id: round.id, endsAt: new Date(round.endsAt).toISOString() }, { status: 201 });
};
