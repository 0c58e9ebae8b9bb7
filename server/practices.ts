import { z } from 'zod';
import { randomId, type MemberId, type PracticeId } from '#lib/domain/ids.ts';
import { practiceDoc } from '#lib/domain/docnames.ts';
import { hiddenCharacter, looksLike, normalizeName } from '#lib/domain/names.ts';
import { markInvitesRenewed, readPractice, setPracticeFramework, writeMember, writePracticeInfo, type Role } from '#lib/domain/practice.ts';
import { VISIBILITIES, type Visibility } from '#lib/domain/visibility.ts';
import type { Erasure } from './erasure.ts';
import { BUILTIN_FRAMEWORKS, DEFAULT_FRAMEWORK_ID, getBuiltinFramework, type Framework } from '#lib/domain/frameworks.ts';
import { FrameworkFileError, parseFramework } from '#lib/domain/framework-file.ts';
import type { ServiceContext } from './service-context.ts';
import { inviteOf, memberOf, membersOf, practiceOf, storedPractice, type MemberRecord, type PracticeRecord } from './records.ts';
import { shortCodeHashOf } from './short-links.ts';
import { TOKEN_SHAPE, hashToken, newToken, readCookie, sessionCookieName } from './tokens.ts';
import { ServiceError } from './errors.ts';

// Control characters (NUL above all, which PostgreSQL refuses) have no place in a name.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const NO_CONTROL = /^[^\u0000-\u001f\u007f]*$/;
// A display name is normalised first; invisible and reordering characters could make it pass for another's (names.ts).
const personName = z
	.string()
	.transform(normalizeName)
	.pipe(z.string().min(1, 'name-required').max(60, 'name-too-long').refine((n) => hiddenCharacter(n) === null, 'name-invalid'));

export const CreatePracticeInput = z.strictObject({
	name: z.string().trim().min(1, 'practice-name-required').max(120, 'practice-name-too-long').regex(NO_CONTROL, 'name-invalid'),
	facilitatorName: personName,
	/** A built-in framework's id, or a framework file given inline (docs/FRAMEWORKS.md), parsed in `create`. */
	framework: z
		.union([z.enum(BUILTIN_FRAMEWORKS.map((f) => f.id) as [string, ...string[]]), z.looseObject({})])
		.default(DEFAULT_FRAMEWORK_ID)
});
export type CreatePracticeInput = z.input<typeof CreatePracticeInput>;

export const JoinInput = z.strictObject({ name: personName });

export const MemberChangeInput = z.strictObject({
	name: personName.optional(),
	role: z.enum(['facilitator', 'participant', 'observer']).optional()
});
export const SettingsInput = z.strictObject({ defaultVisibility: z.enum(VISIBILITIES) });
export const LeaveInput = z.strictObject({ shared: z.enum(['erase', 'anonymize']) });

function frameworkOf(input: string | Record<string, unknown>): Framework {
	if (typeof input === 'string') return getBuiltinFramework(input)!;
	const parsed = parseFramework(input);
	if (!parsed.ok) throw new ServiceError('invalid-framework', new FrameworkFileError(parsed.issues.map((i) => ({ ...i, path: i.path ? `framework.${i.path}` : 'framework' }))).message);
	return parsed.framework;
}

export interface Session {
	readonly member: MemberRecord;
	/** The secret the browser keeps (cookie) or a script sends (bearer). Shown once, never put in a URL. */
	readonly token: string;
}

export interface PracticeLinks {
	readonly participant: string;
	readonly observer: string;
}

export const links = {
	invite: (token: string) => `/join/${token}`,
	practice: (practiceId: PracticeId) => `/p/${practiceId}`
};

/** Practices and their members: creation, invitations, sessions. */
export class Practices {
	private readonly ctx: ServiceContext;
	private readonly erasure: Erasure | null;
	/** Closes every connection of a member, on every instance. */
	private readonly closeMember: (memberId: MemberId) => number;

	constructor(ctx: ServiceContext, more: { erasure?: Erasure; closeMember?: (memberId: MemberId) => number } = {}) {
		this.ctx = ctx;
		this.erasure = more.erasure ?? null;
		this.closeMember = more.closeMember ?? (() => 0);
	}

	async create(raw: unknown, now = Date.now()): Promise<{ practice: PracticeRecord; facilitator: Session; links: PracticeLinks }> {
		const input = CreatePracticeInput.parse(raw);
		const framework = frameworkOf(input.framework);
		const practice: PracticeRecord = {
			id: randomId(16) as PracticeId,
			name: input.name,
			framework,
			createdAt: now,
			participantInvite: newToken(),
			observerInvite: newToken(),
			defaultVisibility: 'shared'
		};
		await this.ctx.storage.records.practices.create(storedPractice(practice), {
			participant: hashToken(practice.participantInvite),
			observer: hashToken(practice.observerInvite)
		});
		await this.ctx.storage.records.practices.addShortCode(practice.id, shortCodeHashOf(practice.participantInvite));
		await this.writePracticeDoc(practice.id, (doc) => writePracticeInfo(doc, practice.name, framework));
		const facilitator = await this.addMember(practice.id, input.facilitatorName, 'facilitator', now);
		return {
			practice,
			facilitator,
			links: {
				participant: links.invite(practice.participantInvite),
				observer: links.invite(practice.observerInvite)
			}
		};
	}

	/** Joins by invite link. Null when the invite is unknown. */
	async join(inviteToken: string, raw: unknown, now = Date.now()): Promise<Session | null> {
		const invite = await this.findInvite(inviteToken);
		if (!invite) return null;
		const { name } = JoinInput.parse(raw);
		return this.claimName(invite.practiceId, name, null, () => this.addMember(invite.practiceId, name, invite.role, now));
	}

	async findInvite(inviteToken: string) {
		if (!TOKEN_SHAPE.test(inviteToken)) return null;
		return inviteOf(await this.ctx.storage.records.practices.findInvite(hashToken(inviteToken)));
	}

	async get(id: PracticeId): Promise<PracticeRecord | null> {
		return practiceOf(await this.ctx.storage.records.practices.get(id));
	}

	async member(id: MemberId): Promise<MemberRecord | null> {
		return memberOf(await this.ctx.storage.records.members.get(id));
	}

	async listMembers(id: PracticeId): Promise<MemberRecord[]> {
		return membersOf(await this.ctx.storage.records.members.list(id));
	}

	/** The member behind a session token, if it belongs to this practice. */
	async sessionMember(practiceId: PracticeId, token: string | null | undefined): Promise<MemberRecord | null> {
		if (!token || !TOKEN_SHAPE.test(token)) return null;
		const member = memberOf(await this.ctx.storage.records.members.findSession(hashToken(token)));
		return member && member.practiceId === practiceId ? member : null;
	}

	/** From an explicit token (scripts, tests) or the practice's session cookie (browsers). */
	async authenticate(practiceId: PracticeId, token: string | null | undefined, cookieHeader: string | null) {
		return (
			(await this.sessionMember(practiceId, token)) ??
			(await this.sessionMember(practiceId, readCookie(cookieHeader, sessionCookieName(practiceId))))
		);
	}

	/** Renames a member or changes their role; their connections reopen with the new rights. */
	async changeMember(practiceId: PracticeId, memberId: MemberId, raw: unknown): Promise<MemberRecord> {
		const change = MemberChangeInput.parse(raw);
		if (change.name !== undefined) {
			const name = change.name;
			return this.claimName(practiceId, name, memberId, () => this.applyChange(practiceId, memberId, change));
		}
		return this.applyChange(practiceId, memberId, change);
	}

	/**
	 * Runs `write` if no other current member of the practice has a name that
	 * looks like `name` (names.ts); one claim per practice at a time, so two
	 * people joining as "Anna" at once do not both get it.
	 */
	private async claimName<T>(practiceId: PracticeId, name: string, self: MemberId | null, write: () => Promise<T>): Promise<T> {
		const previous = this.nameClaims.get(practiceId) ?? Promise.resolve();
		const run = previous.then(async () => {
			const others = (await this.ctx.storage.records.members.list(practiceId)).filter((m) => m.id !== self).map((m) => m.name);
			if (looksLike(name, others)) throw new ServiceError('name-taken', 'Another member of this practice already has this name, or one that looks the same.');
			return write();
		});
		const settled = run.then(() => {}, () => {});
		this.nameClaims.set(practiceId, settled);
		void settled.then(() => {
			if (this.nameClaims.get(practiceId) === settled) this.nameClaims.delete(practiceId);
		});
		return run;
	}

	private readonly nameClaims = new Map<PracticeId, Promise<void>>();

	private async applyChange(practiceId: PracticeId, memberId: MemberId, change: z.infer<typeof MemberChangeInput>): Promise<MemberRecord> {
		const member = await this.activeMember(practiceId, memberId);
		if (change.role && change.role !== 'facilitator' && member.role === 'facilitator') await this.keepAFacilitator(practiceId, memberId);
		await this.ctx.storage.records.members.update(memberId, change);
		const updated = { ...member, ...change } as MemberRecord;
		await this.writePracticeDoc(practiceId, (doc) =>
			writeMember(doc, {
				id: memberId,
				name: updated.name,
				role: updated.role,
				joinedAt: member.createdAt,
				hadLane: member.role !== 'observer' || readPractice(doc).members.some((m) => m.id === memberId && m.hadLane)
			})
		);
		this.closeMember(memberId);
		return updated;
	}

	/** Removes a member: open connections close at once and their links stop working. */
	async removeMember(practiceId: PracticeId, memberId: MemberId, now = Date.now()): Promise<void> {
		const member = await this.activeMember(practiceId, memberId);
		if (member.role === 'facilitator') await this.keepAFacilitator(practiceId, memberId);
		await this.ctx.storage.records.members.remove(memberId, now);
		this.closeMember(memberId);
		await this.writePracticeDoc(practiceId, (doc) =>
			writeMember(doc, {
				id: memberId,
				name: member.name,
				role: member.role,
				joinedAt: member.createdAt,
				removed: true,
				hadLane: member.role !== 'observer' || readPractice(doc).members.some((m) => m.id === memberId && m.hadLane)
			})
		);
	}

	/** A member leaves and takes their data (see Erasure.erase). */
	async leave(practiceId: PracticeId, memberId: MemberId, raw: unknown, now = Date.now()): Promise<void> {
		const { shared } = LeaveInput.parse(raw);
		const member = await this.activeMember(practiceId, memberId);
		if (member.role === 'facilitator') await this.keepAFacilitator(practiceId, memberId);
		await this.ctx.storage.records.members.remove(memberId, now);
		this.closeMember(memberId);
		await this.erasure?.erase(practiceId, memberId, shared, now);
	}

	/** New invite links; the old ones (and the short link) stop working, and the room's screen shows the new one. */
	async renewInvites(practiceId: PracticeId, now = Date.now()): Promise<{ participant: string; observer: string }> {
		const tokens = { participant: newToken(), observer: newToken() };
		await this.ctx.storage.records.practices.renewInvites(practiceId, tokens, {
			participant: hashToken(tokens.participant),
			observer: hashToken(tokens.observer)
		});
		await this.ctx.storage.records.practices.addShortCode(practiceId, shortCodeHashOf(tokens.participant));
		await this.writePracticeDoc(practiceId, (doc) => markInvitesRenewed(doc, now));
		return { participant: links.invite(tokens.participant), observer: links.invite(tokens.observer) };
	}

	async setDefaultVisibility(practiceId: PracticeId, raw: unknown): Promise<Visibility> {
		const { defaultVisibility } = SettingsInput.parse(raw);
		await this.ctx.storage.records.practices.setDefaultVisibility(practiceId, defaultVisibility);
		return defaultVisibility;
	}

	/** A running practice's framework, in its record and its practice document (FrameworkChanges). */
	async setFramework(practiceId: PracticeId, framework: Framework): Promise<void> {
		await this.ctx.storage.records.practices.setFramework(practiceId, JSON.stringify(framework));
		await this.writePracticeDoc(practiceId, (doc) => setPracticeFramework(doc, framework));
	}

	private async activeMember(practiceId: PracticeId, memberId: MemberId): Promise<MemberRecord> {
		const member = memberOf(await this.ctx.storage.records.members.get(memberId));
		if (!member || member.practiceId !== practiceId || member.removedAt !== null) throw new ServiceError('not-found', 'No such member.');
		return member;
	}

	private async keepAFacilitator(practiceId: PracticeId, leaving: MemberId): Promise<void> {
		const others = (await this.ctx.storage.records.members.list(practiceId)).filter((m) => m.role === 'facilitator' && m.id !== leaving);
		if (others.length === 0) throw new ServiceError('last-facilitator', 'A practice needs at least one facilitator.');
	}

	private async addMember(practiceId: PracticeId, name: string, role: Role, now: number): Promise<Session> {
		const token = newToken();
		const member: MemberRecord = {
			id: randomId(16) as MemberId,
			practiceId,
			name,
			role,
			createdAt: now,
			removedAt: null,
			hadLane: role !== 'observer'
		};
		await this.ctx.storage.records.members.add(member, hashToken(token));
		await this.writePracticeDoc(practiceId, (doc) =>
			writeMember(doc, { id: member.id, name, role, joinedAt: now })
		);
		return { member, token };
	}

	private async writePracticeDoc(practiceId: PracticeId, write: (doc: import('yjs').Doc) => void): Promise<void> {
		const connection = await this.ctx.documents.open(practiceDoc(practiceId));
		try {
			await connection.transact((doc) => write(doc));
			await this.ctx.documents.whenStored();
		} finally {
			await connection.disconnect();
		}
	}
}
