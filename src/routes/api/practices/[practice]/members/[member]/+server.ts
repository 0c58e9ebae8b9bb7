import { json } from '@sveltejs/kit';
import { getZwerm } from '#server/context.ts';
import { handled, memberParam, readJson, requireRole } from '#lib/server/api.ts';
import type { RequestHandler } from './$types';

/** PATCH: rename a member or change their role (facilitators). */
export const PATCH: RequestHandler = async ({ params, cookies, request }) => {
	const { practice } = await requireRole(params, cookies, request, ['facilitator']);
	const body = await readJson(request);
	const member = await handled(() => getZwerm().practices.changeMember(practice.id, memberParam(params.member), body));
	return json({ id: member.id, name: member.name, role: member.role });
};

/** DELETE: remove a member; their connections close at once and their links stop working (facilitators). */
export const DELETE: RequestHandler = async ({ params, cookies, request }) => {
	const { practice } = await requireRole(params, cookies, request, ['facilitator']);
	await handled(() => getZwerm().practices.removeMember(practice.id, memberParam(params.member)));
	return new Response(null, { status: 204 });
};
