import { json, type Cookies } from '@sveltejs/kit';
import { getZwerm } from '#server/context.ts';
import type { ActivityAnswer } from '#server/activities/index.ts';
import { boardParam, handled, readJson, requireRole } from './api.ts';

interface ActivityRequest {
	readonly params: { practice: string; board: string; kind: string; action?: string };
	readonly cookies: Cookies;
	readonly request: Request;
}

/**
 * Every activity endpoint: `POST …/activities/:kind` starts (or changes) one,
 * `DELETE …/activities/:kind` ends it, `GET|POST …/activities/:kind/:action`
 * does one of its actions. Members only; the roles come from the handler
 * (start and end: facilitators); the handler parses the body with zod.
 */
export async function activityEndpoint({ params, cookies, request }: ActivityRequest, what: 'start' | 'end' | 'action'): Promise<Response> {
	const activities = getZwerm().activities;
	// Who asks first: a stranger learns nothing, not even which kinds exist.
	const anyMember = await requireRole(params, cookies, request, ['facilitator', 'participant', 'observer']);
	const boardId = boardParam(anyMember.practice, params.board);
	const action = what === 'action' ? await handled(async () => activities.action(params.kind, params.action ?? '', request.method)) : null;
	if (!action) await handled(async () => activities.handler(params.kind));
	const { practice, member } = await requireRole(params, cookies, request, action ? action.roles : activities.organisers);
	const body = request.method === 'POST' ? await readJson(request) : undefined;
	const where = { practiceId: practice.id, boardId };
	const caller = { memberId: member.id, role: member.role };
	const answer: ActivityAnswer = await handled(() => {
		if (action) return action.run(where, caller, body);
		const handler = activities.handler(params.kind);
		return what === 'start' ? handler.start(where, caller, body) : handler.end(where, caller);
	});
	if (answer.status === 204) return new Response(null, { status: 204 });
	return json(answer.body, { status: answer.status ?? 200, headers: { 'cache-control': 'no-store' } });
}
