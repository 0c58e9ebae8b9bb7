import { t } from './index.svelte.ts';

/** Maps a server validation code (see server/practices.ts) to a sentence. */
const CODES: Record<string, string> = {
	'name-required': 'errors.nameRequired',
	'name-too-long': 'errors.nameTooLong',
	'name-invalid': 'errors.nameInvalid',
	'practice-name-required': 'errors.practiceNameRequired',
	'practice-name-too-long': 'errors.practiceNameTooLong',
	'not-member': 'errors.notMember',
	'not-found': 'errors.notFound',
	'rate-limited': 'errors.rateLimited'
};

export const errorMessage = (code: string): string => t(CODES[code] ?? 'errors.generic');
