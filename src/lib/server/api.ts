import { error, type Cookies } from '@sveltejs/kit';
import { z } from 'zod';
import { InvalidIdError, parseBoardId, parseMemberId, parseNoteId, type BoardId, type MemberId, type NoteId } from '#lib/domain/ids.ts';
import { findBoard } from '#lib/domain/practice.ts';
import { isServiceError } from '#server/errors.ts';
import type { MemberRecord, PracticeRecord } from '#server/records.ts';
import { practiceIdParam, requireMember } from './session.ts';

/** Parses a JSON body (16 KiB at most); refuses anything else with a clear 4xx. */
export async function readJson(request: Request, max = 16 * 1024): Promise<unknown> {
	if (!request.headers.get('content-type')?.includes('application/json')) {
		error(415, { message: 'Send JSON (Content-Type: application/json).', code: 'unsupported-media-type' });
	}
	const raw = await request.text();
	if (raw.length > max) error(413, { message: 'Request body too large.', code: 'too-large' });
	if (raw === '') return {};
	try {
		return JSON.parse(raw);
	} catch {
		error(400, { message: 'The body is not valid JSON.', code: 'invalid-json' });
	}
}

/** Runs an action and turns a refusal of the server's services (ServiceError) into its 4xx answer. */
export async function handled<T>(action: () => Promise<T>): Promise<T> {
	try {
		return await action();
	} catch (e) {
		if (e instanceof z.ZodError) {
			error(400, { message: e.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '), code: 'invalid-request' });
		}
		if (isServiceError(e)) error(e.status, { message: e.message, code: e.code });
		// An id the domain refused (InvalidIdError, by its code: the server loads its own copy of the domain).
		if ((e as { code?: unknown } | null)?.code === 'invalid-id') error(404, { message: (e as Error).message, code: 'not-found' });
		throw e;
	}
}

type Who = { practice: PracticeRecord; member: MemberRecord };

export async function requireRole(
	params: { practice: string },
	cookies: Cookies,
	request: Request,
	allowed: readonly MemberRecord['role'][]
): Promise<Who> {
	const who = await requireMember(practiceIdParam(params.practice), cookies, request);
	if (!allowed.includes(who.member.role)) error(403, { message: `Only ${allowed.join(' or ')}s can do this.`, code: 'forbidden' });
	return who;
}

export function boardParam(practice: PracticeRecord, raw: string): BoardId {
	const boardId = handledSync(() => parseBoardId(raw));
	if (!findBoard(practice.framework, boardId)) error(404, { message: 'No such board.', code: 'not-found' });
	return boardId;
}

export const memberParam = (raw: string): MemberId => handledSync(() => parseMemberId(raw));
export const noteParam = (raw: string): NoteId => handledSync(() => parseNoteId(raw));

function handledSync<T>(fn: () => T): T {
	try {
		return fn();
	} catch (e) {
		if (e instanceof InvalidIdError) error(404, { message: e.message, code: 'not-found' });
		throw e;
	}
}

/** A log position from the query string: a non-negative integer. */
export function seqParam(url: URL, name: string, fallback?: number): number {
	const raw = url.searchParams.get(name);
	if (raw === null && fallback !== undefined) return fallback;
	const n = Number(raw);
	if (raw === null || raw === '' || !Number.isSafeInteger(n) || n < 0) {
		error(400, { message: `${name}: a position in the timeline (a whole number ≥ 0) is required.`, code: 'invalid-request' });
	}
	return n;
}
