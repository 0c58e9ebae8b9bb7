import { randomInt } from 'node:crypto';
import { randomId, type MemberId, type PracticeId } from '#lib/domain/ids.ts';
import type { ServiceContext } from './service-context.ts';
import type { MemberRecord } from './records.ts';
import type { StoredScreen } from './storage/records.ts';
import { TOKEN_SHAPE, hashToken, newToken, readCookie, screenCookieName } from './tokens.ts';

/** How long a code to pair a screen works. */
export const SCREEN_CODE_TTL_MS = 10 * 60_000;
/** Letters and digits that cannot be mistaken for one another when typed from a phone or laptop (no 0/O, 1/I). */
export const SCREEN_CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
export const SCREEN_CODE_LENGTH = 6;
const CODE_SHAPE = new RegExp(`^[${SCREEN_CODE_ALPHABET}]{${SCREEN_CODE_LENGTH}}$`);

/** A code as typed: case, spaces and dashes do not matter. */
export const normalizeScreenCode = (raw: string): string => raw.toUpperCase().replace(/[\s-]/g, '');

/** A room's screen: not a member. It reads what the group sees and writes nothing. */
export interface ScreenRecord {
	/** Random like a member id, so that closing "everything of this id" reaches its connections (never a member's). */
	readonly id: MemberId;
	readonly practiceId: PracticeId;
	/** The facilitator who paired it; the screen follows them. */
	readonly pairedBy: MemberId;
	readonly createdAt: number;
	readonly pairedAt: number | null;
}

const screenOf = (s: StoredScreen): ScreenRecord => ({
	id: s.id as MemberId,
	practiceId: s.practiceId as PracticeId,
	pairedBy: s.pairedBy as MemberId,
	createdAt: s.createdAt,
	pairedAt: s.pairedAt
});

export interface ScreenCode {
	readonly code: string;
	readonly screenId: MemberId;
	readonly expiresAt: number;
}

/**
 * The room's screen, paired like a TV sign-in: a facilitator asks for a short
 * code on their own device and types it on the screen at `/scherm`. The code
 * is 6 characters (30 bits), lives 10 minutes, is used once and kept by hash;
 * wrong guesses spend the address's failed sign-ins (the endpoint does that).
 * Using it gives the screen a session of its own (a 256-bit token in its own
 * cookie, `zws_<practice>`), which the access layer lets read the group's
 * documents and write nothing. A screen works while the facilitator who paired
 * it is an active facilitator; any facilitator can end it.
 */
export class Screens {
	private readonly ctx: ServiceContext;
	private readonly closeScreen: (id: MemberId) => number;
	readonly ttlMs: number;

	constructor(ctx: ServiceContext, more: { closeScreen?: (id: MemberId) => number; ttlMs?: number } = {}) {
		this.ctx = ctx;
		this.closeScreen = more.closeScreen ?? (() => 0);
		this.ttlMs = more.ttlMs ?? SCREEN_CODE_TTL_MS;
	}

	/** A new code for a facilitator; their earlier waiting code stops working. */
	async offer(facilitator: MemberRecord, now = Date.now()): Promise<ScreenCode> {
		const screen: StoredScreen = { id: randomId(16), practiceId: facilitator.practiceId, pairedBy: facilitator.id, createdAt: now, pairedAt: null };
		const expiresAt = now + this.ttlMs;
		// Two waiting codes may not be the same: on the (rare) clash, draw again.
		for (let attempt = 0; ; attempt++) {
			const code = Array.from({ length: SCREEN_CODE_LENGTH }, () => SCREEN_CODE_ALPHABET[randomInt(SCREEN_CODE_ALPHABET.length)]).join('');
			try {
				await this.ctx.storage.records.screens.offer(screen, hashToken(code), expiresAt);
				return { code, screenId: screen.id as MemberId, expiresAt };
			} catch (error) {
				if (attempt >= 4) throw error;
			}
		}
	}

	/** Uses a code up and gives the screen its session; null when it is malformed, unknown, expired or used. */
	async pair(raw: string, now = Date.now()): Promise<{ screen: ScreenRecord; token: string } | null> {
		const code = normalizeScreenCode(raw);
		if (!CODE_SHAPE.test(code)) return null;
		const token = newToken();
		const stored = await this.ctx.storage.records.screens.pair(hashToken(code), now, hashToken(token));
		return stored ? { screen: screenOf(stored), token } : null;
	}

	/** The screen behind a session token, if it belongs to this practice. */
	async session(practiceId: PracticeId, token: string | null | undefined): Promise<ScreenRecord | null> {
		if (!token || !TOKEN_SHAPE.test(token)) return null;
		const stored = await this.ctx.storage.records.screens.findSession(hashToken(token));
		return stored && stored.practiceId === practiceId ? screenOf(stored) : null;
	}

	/** From an explicit token (scripts, tests) or the practice's screen cookie (the screen's browser). */
	async authenticate(practiceId: PracticeId, token: string | null | undefined, cookieHeader: string | null): Promise<ScreenRecord | null> {
		return (await this.session(practiceId, token)) ?? (await this.session(practiceId, readCookie(cookieHeader, screenCookieName(practiceId))));
	}

	async list(practiceId: PracticeId): Promise<ScreenRecord[]> {
		return (await this.ctx.storage.records.screens.list(practiceId)).map(screenOf);
	}

	/** Ends a screen: its session stops working and its open connections close, on every instance. */
	async end(practiceId: PracticeId, id: MemberId): Promise<boolean> {
		const ended = await this.ctx.storage.records.screens.end(practiceId, id);
		if (ended) this.closeScreen(id);
		return ended;
	}
}
