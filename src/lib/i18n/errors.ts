import { t } from './index.svelte.ts';

/** Maps a server validation code (see server/practices.ts) to a sentence. */
const CODES: Record<string, string> = {
	'name-required': 'errors.nameRequired',
	'name-too-long': 'errors.nameTooLong',
	'name-invalid': 'errors.nameInvalid',
	'name-taken': 'errors.nameTaken',
	'practice-name-required': 'errors.practiceNameRequired',
	'practice-name-too-long': 'errors.practiceNameTooLong',
	'not-member': 'errors.notMember',
	'not-found': 'errors.notFound',
	'rate-limited': 'errors.rateLimited'
};

export const errorMessage = (code: string): string => t(CODES[code] ?? 'errors.generic');

/**
 * A sentence for an API error body: its code, or for an invalid request the
 * code of its first field (`name: name-taken` → the name sentence); else its message.
 */
export function apiErrorMessage(body: { message?: string; code?: string } | null): string {
	const code = body?.code === 'invalid-request' ? /: ([a-z-]+)/.exec(body.message ?? '')?.[1] : body?.code;
	if (code && CODES[code]) return t(CODES[code]);
	return body?.message ?? t('errors.generic');
}
