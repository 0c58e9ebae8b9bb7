import { error, json } from '@sveltejs/kit';
import { getZwerm } from '#server/context.ts';
import { handled, requireRole } from '#lib/server/api.ts';
import { isRandomId } from '#lib/domain/ids.ts';
import type { RequestHandler } from './$types';

/** POST: end the meeting; takes a named snapshot of every board (facilitators). */
export const POST: RequestHandler = async ({ params, cookies, request }) => {
	const { practice, member } = await requireRole(params, cookies, request, ['facilitator']);
	if (!isRandomId(params.meeting)) error(404, { message: 'No such meeting.', code: 'not-found' });
	return json(await handled(() => getZwerm().meetings.endMeeting(practice.id, params.meeting, member.id)));
};
