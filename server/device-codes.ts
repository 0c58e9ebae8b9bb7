import type { ServiceContext } from './service-context.ts';
import { memberOf, type MemberRecord } from './records.ts';
import type { Session } from './practices.ts';
import { TOKEN_SHAPE, hashToken, newToken } from './tokens.ts';

/** How long a code to continue on another device works (asked for by the member, shown once). */
export const DEVICE_CODE_TTL_MS = 10 * 60_000;
/** The facilitator's sign-in link of a practice created through the API: a script hands it on, so it lives longer. */
export const CREATED_LINK_TTL_MS = 7 * 24 * 60 * 60_000;

export const deviceLink = (code: string): string => `/enter/${code}`;

export interface DeviceCode {
	readonly code: string;
	readonly link: string;
	readonly expiresAt: number;
}

/**
 * Moving a member to another device. A code is 256 random bits, kept by hash,
 * short-lived and used once; asking for a new one ends the previous one.
 * Redeeming it makes a session of its own for the new device, so no session
 * token ever travels in a URL.
 */
export class DeviceCodes {
	private readonly ctx: ServiceContext;
	readonly ttlMs: number;

	constructor(ctx: ServiceContext, ttlMs = DEVICE_CODE_TTL_MS) {
		this.ctx = ctx;
		this.ttlMs = ttlMs;
	}

	async issue(member: MemberRecord, now = Date.now(), ttlMs = this.ttlMs): Promise<DeviceCode> {
		const code = newToken();
		const expiresAt = now + ttlMs;
		await this.ctx.storage.records.deviceCodes.save({ codeHash: hashToken(code), memberId: member.id, createdAt: now, expiresAt });
		return { code, link: deviceLink(code), expiresAt };
	}

	/** Who a code signs in as, without using it up (what the confirmation page shows). */
	async peek(code: string, now = Date.now()): Promise<{ member: MemberRecord; expiresAt: number } | null> {
		if (!TOKEN_SHAPE.test(code)) return null;
		const found = await this.ctx.storage.records.deviceCodes.find(hashToken(code), now);
		return found && { member: memberOf(found.member), expiresAt: found.expiresAt };
	}

	/** Uses a code up and makes this device's session; null when it is unknown, expired, used or its member gone. */
	async redeem(code: string, now = Date.now()): Promise<Session | null> {
		if (!TOKEN_SHAPE.test(code)) return null;
		const token = newToken();
		const member = memberOf(await this.ctx.storage.records.deviceCodes.redeem(hashToken(code), now, hashToken(token)));
		return member ? { member, token } : null;
	}

	revoke(member: MemberRecord): Promise<void> {
		return this.ctx.storage.records.deviceCodes.revoke(member.id);
	}
}
