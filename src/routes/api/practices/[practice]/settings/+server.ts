import { json } from '@sveltejs/kit';
import { getZwerm } from '#server/context.ts';
import { handled, readJson, requireRole } from '#lib/server/api.ts';
import type { RequestHandler } from './$types';

/** PATCH: { defaultVisibility } for new individual notes (facilitators). */
export const PATCH: RequestHandler = async ({ params, cookies, request }) => {
	const { practice } = await requireRole(params, cookies, request, ['facilitator']);
	const body = await readJson(request);
	const defaultVisibility = await handled(() => getZwerm().practices.setDefaultVisibility(practice.id, body));
	return json({ defaultVisibility });
};
