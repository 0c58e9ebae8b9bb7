import { getZwerm } from '#server/context.ts';
import { historyAnswer } from '#lib/server/compressed.ts';
import { z } from 'zod';
import { handled, requireRole } from '#lib/server/api.ts';
import { error } from '@sveltejs/kit';
import type { RequestHandler } from './$types';

const Own = z.enum(['0', '1']).default('1');

/**
 * GET [?own=0]: every board's figures and coverage per chapter; the asking
 * member's own figures beside the group's unless `own=0` (the group's only).
 */
export const GET: RequestHandler = async ({ params, cookies, request, url }) => {
	const { practice, member } = await requireRole(params, cookies, request, ['facilitator', 'participant', 'observer']);
	const own = Own.safeParse(url.searchParams.get('own') ?? undefined);
	if (!own.success) error(400, { message: 'own: 0 or 1.', code: 'invalid-request' });
	const viewer = own.data === '1' ? member.id : null;
	return historyAnswer(request, member.id, () => handled(() => getZwerm().figures.figures(practice.id, viewer)));
};
