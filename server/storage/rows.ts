import type { MemberId, PracticeId } from '../../src/lib/domain/ids.ts';
import type { Role } from '../../src/lib/domain/practice.ts';
import type { Framework } from '../../src/lib/domain/frameworks.ts';
import type { Visibility } from '../../src/lib/domain/visibility.ts';
import type { MarkKind, MarkRecord, MeetingRecord, MemberRecord, PracticeRecord, RoundRecord } from './types.ts';

/**
 * Table rows to records, for every adapter: the schemas share column names.
 * Numbers may arrive as numbers, bigints or strings, booleans as 0/1 or true.
 */
export type Row = Record<string, unknown>;

const optionalNumber = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

export function toPractice(row: Row): PracticeRecord {
	return {
		id: row.id as PracticeId,
		name: row.name as string,
		framework: JSON.parse(row.framework as string) as Framework,
		createdAt: Number(row.created_at),
		participantInvite: row.participant_invite as string,
		observerInvite: row.observer_invite as string,
		defaultVisibility: row.default_visibility as Visibility
	};
}

export function toMember(row: Row | undefined): MemberRecord | null {
	if (!row) return null;
	return {
		id: row.id as MemberId,
		practiceId: row.practice_id as PracticeId,
		name: row.name as string,
		role: row.role as Role,
		createdAt: Number(row.created_at),
		removedAt: optionalNumber(row.removed_at),
		hadLane: row.had_lane === true || Number(row.had_lane) === 1
	};
}

export function toRound(row: Row): RoundRecord {
	return {
		id: row.id as string,
		practiceId: row.practice_id as PracticeId,
		boardId: row.board_id as string,
		startedAt: Number(row.started_at),
		endsAt: Number(row.ends_at),
		revealedAt: optionalNumber(row.revealed_at)
	};
}

export function toMeeting(row: Row): MeetingRecord {
	return {
		id: row.id as string,
		practiceId: row.practice_id as PracticeId,
		title: row.title as string,
		date: row.date as string,
		agenda: JSON.parse(row.agenda as string) as string[],
		startedAt: Number(row.started_at),
		endedAt: optionalNumber(row.ended_at)
	};
}

export function toMark(row: Row): MarkRecord {
	return {
		id: row.id as string,
		practiceId: row.practice_id as PracticeId,
		boardId: (row.board_id as string | null) ?? null,
		kind: row.kind as MarkKind,
		name: row.name as string,
		seq: Number(row.seq),
		at: Number(row.at),
		meetingId: (row.meeting_id as string | null) ?? null,
		createdBy: (row.created_by as MemberId | null) ?? null
	};
}

export function toHistoryEntry(row: Row) {
	return { seq: Number(row.seq), doc: row.doc as string, at: Number(row.at), memberId: (row.member_id as MemberId | null) ?? null };
}
