/**
 * The server's typed view of the stored records. Storage speaks plain strings
 * (server/storage/records.ts); these types carry the domain's branded ids,
 * roles and visibilities, and the functions below convert at the boundary.
 * What was written through these types is trusted when read back (ids are
 * parsed where they enter, at HTTP and document names), so reading casts;
 * the framework is kept as JSON text and parsed here.
 */
import type { MemberId, PracticeId } from '#lib/domain/ids.ts';
import type { Role } from '#lib/domain/practice.ts';
import type { Framework } from '#lib/domain/frameworks.ts';
import type { Visibility } from '#lib/domain/visibility.ts';
import type { MarkKind } from '#lib/history/api.ts';
import type { StoredInvite, StoredMark, StoredMeeting, StoredMember, StoredPractice, StoredRound } from './storage/records.ts';

export type { MarkKind };

export interface PracticeRecord {
	readonly id: PracticeId;
	readonly name: string;
	readonly framework: Framework;
	readonly createdAt: number;
	/** Invite tokens in the clear: the facilitator is shown them again. Looked up by hash. */
	readonly participantInvite: string;
	readonly observerInvite: string;
	/** Visibility of new individual notes: 'private' | 'shared' | 'anonymous'. */
	readonly defaultVisibility: Visibility;
}

export interface MemberRecord extends StoredMember {
	readonly id: MemberId;
	readonly practiceId: PracticeId;
	readonly role: Role;
}

export interface RoundRecord extends StoredRound {
	readonly practiceId: PracticeId;
}

export interface MeetingRecord extends StoredMeeting {
	readonly practiceId: PracticeId;
}

export interface MarkRecord extends StoredMark {
	readonly practiceId: PracticeId;
	readonly kind: MarkKind;
	readonly createdBy: MemberId | null;
}

export interface InviteRecord extends StoredInvite {
	readonly practiceId: PracticeId;
}

export const storedPractice = (p: PracticeRecord): StoredPractice => ({ ...p, framework: JSON.stringify(p.framework) });

export function practiceOf(p: StoredPractice): PracticeRecord;
export function practiceOf(p: StoredPractice | null): PracticeRecord | null;
export function practiceOf(p: StoredPractice | null): PracticeRecord | null {
	if (!p) return null;
	return {
		...p,
		id: p.id as PracticeId,
		framework: JSON.parse(p.framework) as Framework,
		defaultVisibility: p.defaultVisibility as Visibility
	};
}

export function memberOf(m: StoredMember): MemberRecord;
export function memberOf(m: StoredMember | null): MemberRecord | null;
export function memberOf(m: StoredMember | null): MemberRecord | null {
	return m as MemberRecord | null;
}

export const membersOf = (ms: StoredMember[]): MemberRecord[] => ms as MemberRecord[];
export const inviteOf = (i: StoredInvite | null): InviteRecord | null => i as InviteRecord | null;
export const roundsOf = (rs: StoredRound[]): RoundRecord[] => rs as RoundRecord[];
export const meetingOf = (m: StoredMeeting | null): MeetingRecord | null => m as MeetingRecord | null;
export const meetingsOf = (ms: StoredMeeting[]): MeetingRecord[] => ms as MeetingRecord[];
export const marksOf = (ms: StoredMark[]): MarkRecord[] => ms as MarkRecord[];
