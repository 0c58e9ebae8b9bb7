import { error, json } from '@sveltejs/kit';
import { getZwerm } from '#server/context.ts';
import { exportPractice } from '#server/export.ts';
import { practiceIdParam, requireMember } from '#lib/server/session.ts';
import type { RequestHandler } from './$types';

/** GET /api/practices/:id/export: the whole practice as JSON, for its facilitators. */
export const GET: RequestHandler = async ({ params, cookies, request }) => {
	const { practice, member } = await requireMember(practiceIdParam(params.practice), cookies, request);
	if (member.role !== 'facilitator') error(403, { message: 'Only facilitators can export a practice.', code: 'forbidden' });
	const body = await exportPractice(getZwerm(), practice);
	return json(body, {
		headers: { 'content-disposition': `attachment; filename="zwerm-${practice.id}.json"` }
	});
};
