import { error } from '@sveltejs/kit';
import { getZwerm } from '#server/context.ts';
import { memberParam, requireRole } from '#lib/server/api.ts';
import type { RequestHandler } from './$types';

/** DELETE: ends a screen (paired or waiting for its code): its session stops working and it disconnects at once (facilitators). */
export const DELETE: RequestHandler = async ({ params, cookies, request }) => {
	const { practice } = await requireRole(params, cookies, request, ['facilitator']);
	const ended = await getZwerm().screens.end(practice.id, memberParam(params.screen));
	if (!ended) error(404, { message: 'No such screen.', code: 'not-found' });
	return new Response(null, { status: 204 });
};
