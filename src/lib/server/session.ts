import { error, type Cookies } from '@sveltejs/kit';
import { getZwerm } from '#server/context.ts';
import { screenCookieName, sessionCookieName } from '#server/tokens.ts';
import { InvalidIdError, parsePracticeId, type PracticeId } from '#lib/domain/ids.ts';
import type { MemberRecord, PracticeRecord } from '#server/records.ts';

export const SESSION_MAX_AGE = 60 * 60 * 24 * 400;

export function setSessionCookie(cookies: Cookies, practiceId: PracticeId, token: string, secure: boolean): void {
	cookies.set(sessionCookieName(practiceId), token, {
		path: '/',
		httpOnly: true,
		sameSite: 'lax',
		secure,
		maxAge: SESSION_MAX_AGE
	});
}

/** A room's screen: its own cookie, beside any member's (server/screens.ts). Lives as long as a meeting day or two. */
export const SCREEN_MAX_AGE = 60 * 60 * 24 * 2;

export function setScreenCookie(cookies: Cookies, practiceId: PracticeId, token: string, secure: boolean): void {
	cookies.set(screenCookieName(practiceId), token, { path: '/', httpOnly: true, sameSite: 'lax', secure, maxAge: SCREEN_MAX_AGE });
}

export function practiceIdParam(raw: string): PracticeId {
	try {
		return parsePracticeId(raw);
	} catch (e) {
		if (e instanceof InvalidIdError) error(404, { message: 'not-found' });
		throw e;
	}
}

/** The practice and the member this browser (or bearer token) is; 404/403 otherwise. */
export async function requireMember(
	practiceId: PracticeId,
	cookies: Cookies,
	request?: Request
): Promise<{ practice: PracticeRecord; member: MemberRecord }> {
	const zwerm = getZwerm();
	const practice = await zwerm.practices.get(practiceId);
	if (!practice) error(404, { message: 'not-found' });
	const bearer = request?.headers.get('authorization')?.match(/^Bearer (\S+)$/)?.[1];
	const member =
		(await zwerm.practices.sessionMember(practiceId, bearer)) ??
		(await zwerm.practices.sessionMember(practiceId, cookies.get(sessionCookieName(practiceId))));
	if (!member) error(403, { message: 'not-member' });
	return { practice, member };
}
