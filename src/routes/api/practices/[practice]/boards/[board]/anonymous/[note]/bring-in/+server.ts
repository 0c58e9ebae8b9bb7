import { json } from '@sveltejs/kit';
import { z } from 'zod';
import { getZwerm } from '#server/context.ts';
import { boardParam, handled, noteParam, readJson, requireRole } from '#lib/server/api.ts';
import type { NoteId } from '#lib/domain/ids.ts';
import type { RequestHandler } from './$types';

const BringIn = z.strictObject({ into: z.string().regex(/^[A-Za-z0-9_-]{10,32}$/).optional() });

/**
 * POST { into? }: brings an anonymous note into the collective lane. The server
 * writes the collective note, so it does not point at whoever asked — who may
 * be the note's author.
 */
export const POST: RequestHandler = async ({ params, cookies, request }) => {
	const { practice } = await requireRole(params, cookies, request, ['facilitator', 'participant']);
	const boardId = boardParam(practice, params.board);
	const body = await readJson(request);
	const id = await handled(async () => {
		const { into } = BringIn.parse(body);
		return getZwerm().mirror.bringIn(practice.id, boardId, noteParam(params.note), into as NoteId | undefined);
	});
	return json({ id }, { status: 201 });
};
