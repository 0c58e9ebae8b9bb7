import { json } from '@sveltejs/kit';
import { z } from 'zod';
import { getZwerm } from '#server/context.ts';
import { boardParam, handled, readJson, requireRole } from '#lib/server/api.ts';
import type { RequestHandler } from './$types';

const Snapshot = z.strictObject({ name: z.string().trim().min(1).max(200), board: z.string().optional() });

/** GET: every mark of the practice (meetings, snapshots, restores) in timeline order; any member. */
export const GET: RequestHandler = async ({ params, cookies, request }) => {
	const { practice } = await requireRole(params, cookies, request, ['facilitator', 'participant', 'observer']);
	return json(await getZwerm().meetings.listMarks(practice.id));
};

/** POST { name, board? }: a named snapshot of every board, or of one (facilitators). */
export const POST: RequestHandler = async ({ params, cookies, request }) => {
	const { practice, member } = await requireRole(params, cookies, request, ['facilitator']);
	const body = await readJson(request);
	const mark = await handled(async () => {
		const { name, board } = Snapshot.parse(body);
		return getZwerm().meetings.snapshot(practice.id, name, member.id, board === undefined ? null : boardParam(practice, board));
	});
	return json(mark, { status: 201 });
};
