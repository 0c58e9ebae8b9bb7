/**
 * Branded identifiers. Values enter through a parser at the boundary
 * (HTTP bodies, document names, tokens); inside, the brand is trusted.
 */
declare const brand: unique symbol;
type Brand<T, B extends string> = T & { readonly [brand]: B };

export type PracticeId = Brand<string, 'PracticeId'>;
export type MemberId = Brand<string, 'MemberId'>;
export type BoardId = Brand<string, 'BoardId'>;
export type NoteId = Brand<string, 'NoteId'>;

const RANDOM_ID = /^[A-Za-z0-9_-]{10,32}$/;
const SLUG = /^[a-z][a-z0-9-]{0,39}$/;

export const isRandomId = (value: string): boolean => RANDOM_ID.test(value);
export const isSlug = (value: string): boolean => SLUG.test(value);

function parser<T>(test: (value: string) => boolean, what: string) {
	return (value: unknown): T => {
		if (typeof value !== 'string' || !test(value)) throw new InvalidIdError(what, value);
		return value as T;
	};
}

export class InvalidIdError extends Error {
	readonly code = 'invalid-id';
	readonly what: string;
	constructor(what: string, value: unknown) {
		super(`Invalid ${what}: ${JSON.stringify(String(value)).slice(0, 60)}`);
		this.what = what;
	}
}

export const parsePracticeId = parser<PracticeId>(isRandomId, 'practice id');
export const parseMemberId = parser<MemberId>(isRandomId, 'member id');
export const parseNoteId = parser<NoteId>(isRandomId, 'note id');
export const parseBoardId = parser<BoardId>(isSlug, 'board id');

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** A URL-safe random id with 6 bits per character (16 chars = 96 bits). */
export function randomId(length = 16): string {
	const bytes = new Uint8Array(length);
	crypto.getRandomValues(bytes);
	let out = '';
	for (const byte of bytes) out += ALPHABET[byte & 63];
	return out;
}

export const newNoteId = (): NoteId => randomId(16) as NoteId;
