import { json } from '@sveltejs/kit';
import { z } from 'zod';
import { getZwerm } from '#server/context.ts';
import { handled, readJson, requireRole } from '#lib/server/api.ts';
import { boardsOf } from '#lib/domain/practice.ts';
import type { RequestHandler } from './$types';

/** GET: the practice's meetings, oldest first; any member. */
export const GET: RequestHandler = async ({ params, cookies, request }) => {
	const { practice } = await requireRole(params, cookies, request, ['facilitator', 'participant', 'observer']);
	return json(await getZwerm().meetings.listMeetings(practice.id));
};

/** POST { title, date, agenda }: start a meeting (facilitators). One at a time. */
export const POST: RequestHandler = async ({ params, cookies, request }) => {
	const { practice, member } = await requireRole(params, cookies, request, ['facilitator']);
	const boards = boardsOf(practice.framework).map((a) => a.id);
	const StartMeeting = z.strictObject({
		title: z.string().trim().min(1).max(200),
		date: z.iso.date(),
		agenda: z.array(z.enum(boards as [string, ...string[]])).max(boards.length).default([])
	});
	const body = await readJson(request);
	const started = await handled(async () => getZwerm().meetings.startMeeting(practice.id, StartMeeting.parse(body), member.id));
	return json(started, { status: 201 });
};
