import { createHash } from 'node:crypto';
import type { PracticeId } from '#lib/domain/ids.ts';
import type { PracticeRecord } from './records.ts';
import type { ServiceContext } from './service-context.ts';
import { SCREEN_CODE_ALPHABET } from './screens.ts';
import { hashToken } from './tokens.ts';

/** Eight characters of 32 (no 0, O, 1, I): 2^40 codes, typed from a wall in a few seconds. */
export const SHORT_CODE_LENGTH = 8;
const SHAPE = new RegExp(`^[${SCREEN_CODE_ALPHABET}]{${SHORT_CODE_LENGTH}}$`);

/**
 * The short code of a participant invite: derived from the invite's token, so
 * it is as stable as the invite and changes when the invite is renewed. 32
 * divides 256, so every character is equally likely.
 */
export function shortCodeOf(inviteToken: string): string {
	const bytes = createHash('sha256').update(`zwerm-short:${inviteToken}`).digest();
	return Array.from(bytes.subarray(0, SHORT_CODE_LENGTH), (b) => SCREEN_CODE_ALPHABET[b % SCREEN_CODE_ALPHABET.length]).join('');
}

/** A code as people type it (any case, with or without the dash or spaces), or null when it cannot be one. */
export function normalizeShortCode(raw: string): string | null {
	const code = raw.slice(0, 32).toUpperCase().replace(/[\s-]/g, '');
	return SHAPE.test(code) ? code : null;
}

/** "ABCD-EFGH": two halves are easier to read off a wall and keep in mind. */
export const formatShortCode = (code: string): string => `${code.slice(0, 4)}-${code.slice(4)}`;

export const shortLinkPath = (code: string): string => `/j/${formatShortCode(code)}`;

// Its own namespace: a code's hash is never an invite token's hash (REC-25).
const codeHash = (code: string): string => hashToken(`short:${code}`);

/** What is stored for an invite's short code (kept when the practice is made and its invites renewed). */
export const shortCodeHashOf = (inviteToken: string): string => codeHash(shortCodeOf(inviteToken));

/**
 * Short links to a practice's participant invite, for the room's screen: a
 * link short enough to type from the back of a room. It leads to the invite
 * page (which still asks for a name), so it grants exactly what the invite
 * does, no more. Stored as a hash, like the invite; renewing the invites drops
 * it with them, and the next one shown is the new invite's.
 */
export class ShortLinks {
	private readonly ctx: ServiceContext;

	constructor(ctx: ServiceContext) {
		this.ctx = ctx;
	}

	/**
	 * The practice's short link path ("/j/ABCD-EFGH"). Kept when the practice is
	 * made and its invites renewed; a practice older than short links gets it
	 * kept here, once: a page that shows it reads, and writes only then.
	 */
	async of(practice: Pick<PracticeRecord, 'id' | 'participantInvite'>): Promise<string> {
		const code = shortCodeOf(practice.participantInvite);
		const hash = codeHash(code);
		const records = this.ctx.storage.records.practices;
		if ((await records.findShortCode(hash)) !== practice.id) await records.addShortCode(practice.id, hash);
		return shortLinkPath(code);
	}

	/** The invite token a typed code leads to; null for an unknown or malformed code, or a renewed invite's. */
	async resolve(raw: string): Promise<{ practiceId: PracticeId; inviteToken: string } | null> {
		const code = normalizeShortCode(raw);
		if (!code) return null;
		const practiceId = await this.ctx.storage.records.practices.findShortCode(codeHash(code));
		const practice = practiceId && (await this.ctx.storage.records.practices.get(practiceId));
		// A code of an earlier invite that survived a race with a renewal leads nowhere.
		if (!practice || shortCodeOf(practice.participantInvite) !== code) return null;
		return { practiceId: practice.id as PracticeId, inviteToken: practice.participantInvite };
	}
}
