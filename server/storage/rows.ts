import type { HistoryEntry } from './log.ts';
import type { StoredMark, StoredMeeting, StoredMember, StoredPractice, StoredRound, StoredScreen, StoredVote, VoteTotal } from './records.ts';

/**
 * Table rows to records, for every adapter: the schemas share column names.
 * Numbers may arrive as numbers, bigints or strings, booleans as 0/1 or true.
 */
export type Row = Record<string, unknown>;

const optionalNumber = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

export function toPractice(row: Row): StoredPractice {
	return {
		id: row.id as string,
		name: row.name as string,
		framework: row.framework as string,
		createdAt: Number(row.created_at),
		participantInvite: row.participant_invite as string,
		observerInvite: row.observer_invite as string,
		defaultVisibility: row.default_visibility as string
	};
}

export function toMember(row: Row | undefined): StoredMember | null {
	if (!row) return null;
	return {
		id: row.id as string,
		practiceId: row.practice_id as string,
		name: row.name as string,
		role: row.role as string,
		createdAt: Number(row.created_at),
		removedAt: optionalNumber(row.removed_at),
		hadLane: row.had_lane === true || Number(row.had_lane) === 1
	};
}

export function toScreen(row: Row): StoredScreen {
	return {
		id: row.id as string,
		practiceId: row.practice_id as string,
		pairedBy: row.paired_by as string,
		createdAt: Number(row.created_at),
		pairedAt: optionalNumber(row.paired_at)
	};
}

export function toRound(row: Row): StoredRound {
	return {
		id: row.id as string,
		practiceId: row.practice_id as string,
		boardId: row.board_id as string,
		startedAt: Number(row.started_at),
		endsAt: Number(row.ends_at),
		revealedAt: optionalNumber(row.revealed_at)
	};
}

export function toMeeting(row: Row): StoredMeeting {
	return {
		id: row.id as string,
		practiceId: row.practice_id as string,
		title: row.title as string,
		date: row.date as string,
		agenda: JSON.parse(row.agenda as string) as string[],
		startedAt: Number(row.started_at),
		endedAt: optionalNumber(row.ended_at)
	};
}

export function toMark(row: Row): StoredMark {
	return {
		id: row.id as string,
		practiceId: row.practice_id as string,
		boardId: (row.board_id as string | null) ?? null,
		kind: row.kind as string,
		name: row.name as string,
		seq: Number(row.seq),
		at: Number(row.at),
		meetingId: (row.meeting_id as string | null) ?? null,
		createdBy: (row.created_by as string | null) ?? null
	};
}

export function toHistoryEntry(row: Row): HistoryEntry {
	return { seq: Number(row.seq), doc: row.doc as string, at: Number(row.at), memberId: (row.member_id as string | null) ?? null };
}

/** An invite row, or null. */
export function toInvite(row: Row | undefined) {
	return row ? { practiceId: row.practice_id as string, role: row.role as 'participant' | 'observer' } : null;
}

export function toVote(row: Row): StoredVote {
	return {
		id: row.id as string,
		practiceId: row.practice_id as string,
		boardId: row.board_id as string,
		dots: Number(row.dots),
		perNote: Number(row.per_note),
		startedAt: Number(row.started_at),
		endsAt: optionalNumber(row.ends_at),
		closedAt: optionalNumber(row.closed_at),
		result: typeof row.result === 'string' ? (JSON.parse(row.result) as VoteTotal[]) : null
	};
}

/** Totals by note, ranked: most dots first, then by note id byte by byte; notes without dots left out. */
export function rankTotals(totals: Iterable<readonly [string, number]>, notes: readonly string[]): VoteTotal[] {
	const keep = new Set(notes);
	return [...totals]
		.filter(([noteId, total]) => keep.has(noteId) && total > 0)
		.map(([noteId, total]) => ({ noteId, total }))
		.sort((a, b) => b.total - a.total || (a.noteId < b.noteId ? -1 : a.noteId > b.noteId ? 1 : 0));
}
