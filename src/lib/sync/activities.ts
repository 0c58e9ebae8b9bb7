import type { ActivityKind } from '#lib/domain/activities.ts';

/**
 * The one client call for every kind of activity (docs/API.md, "Activities"):
 * start it (POST without an action), end it (DELETE), or one of its actions
 * (`ready`, `reveal`, `contributions`, …). What an activity shows lives in the
 * practice document (PracticeState.activity); this only asks the server.
 */
export function activityRequest(
	where: { readonly practiceId: string; readonly boardId: string },
	kind: ActivityKind,
	options: { action?: string; method?: 'GET' | 'POST' | 'DELETE'; body?: unknown } = {}
): Promise<Response> {
	const method = options.method ?? 'POST';
	const path = `/api/practices/${where.practiceId}/boards/${where.boardId}/activities/${kind}${options.action ? `/${options.action}` : ''}`;
	return fetch(path, {
		method,
		headers: options.body === undefined ? {} : { 'content-type': 'application/json' },
		body: options.body === undefined ? undefined : JSON.stringify(options.body)
	});
}
