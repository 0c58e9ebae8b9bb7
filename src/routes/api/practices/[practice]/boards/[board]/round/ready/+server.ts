import { json } from '@sveltejs/kit';
import { z } from 'zod';
import { getZwerm } from '$server/context.ts';
import { boardParam, handled, readJson, requireRole } from '$lib/server/api.ts';
import type { RequestHandler } from './$types';

const Ready = z.strictObject({ ready: z.boolean() });

/** POST { ready }: mark yourself ready (or not) in the running silent round. */
export const POST: RequestHandler = async ({ params, cookies, request }) => {
	const { practice, member } = await requireRole(params, cookies, request, ['facilitator', 'participant']);
	const boardId = boardParam(practice, params.board);
	const body = await readJson(request);
	await handled(async () => getZwerm().privacy.markReady(practice.id, boardId, member.id, Ready.parse(body).ready));
	return json({ ok: true });
};
