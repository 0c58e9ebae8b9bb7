import { json } from '@sveltejs/kit';
import { getZwerm } from '#server/context.ts';
import { handled, readJson, requireRole } from '#lib/server/api.ts';
import { frameworkFile, MAX_FILE_BYTES } from '#lib/domain/framework-file.ts';
import { archivedBoardsOf } from '#lib/domain/practice.ts';
import type { RequestHandler } from './$types';

/** GET: the practice's framework as a file (docs/FRAMEWORKS.md), and its archived boards (every member). */
export const GET: RequestHandler = async ({ params, cookies, request }) => {
	const { practice } = await requireRole(params, cookies, request, ['facilitator', 'participant', 'observer']);
	return json({
		file: frameworkFile(practice.framework),
		archived: archivedBoardsOf(practice.framework).map((a) => ({ id: a.id, name: a.name, archivedAt: a.archivedAt }))
	});
};

/** PUT: a framework file replaces the practice's framework (facilitators): boards added, renamed, edited, archived. */
export const PUT: RequestHandler = async ({ params, cookies, request }) => {
	const { practice, member } = await requireRole(params, cookies, request, ['facilitator']);
	const body = await readJson(request, MAX_FILE_BYTES);
	const { framework, changes } = await handled(() => getZwerm().frameworks.change(practice.id, member.id, body));
	return json({
		file: frameworkFile(framework),
		archived: archivedBoardsOf(framework).map((a) => ({ id: a.id, name: a.name, archivedAt: a.archivedAt })),
		changes: changes.map((c) => ({ kind: c.kind, boardId: c.boardId }))
	});
};
