import type { MemberId, PracticeId } from '../../src/lib/domain/ids.ts';
import type { Role } from '../../src/lib/domain/practice.ts';
import type { Framework } from '../../src/lib/domain/frameworks.ts';
import type { Visibility } from '../../src/lib/domain/visibility.ts';

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

export interface RoundRecord {
	readonly id: string;
	readonly practiceId: PracticeId;
	readonly boardId: string;
	readonly startedAt: number;
	readonly endsAt: number;
	readonly revealedAt: number | null;
}

export interface MemberRecord {
	readonly id: MemberId;
	readonly practiceId: PracticeId;
	readonly name: string;
	readonly role: Role;
	readonly createdAt: number;
	readonly removedAt: number | null;
	/** Had an individual lane (was a participant or facilitator); false again after leaving. */
	readonly hadLane: boolean;
}

/** A one-time code that signs another device in as a member (see server/device-codes.ts). Stored by hash. */
export interface DeviceCodeRecord {
	readonly codeHash: string;
	readonly memberId: MemberId;
	readonly createdAt: number;
	readonly expiresAt: number;
}

export interface LoggedUpdate {
	readonly doc: string;
	/** A Yjs update, V1 encoding, exactly as the document emitted it. */
	readonly update: Uint8Array;
	readonly at: number;
	/** Who made the change; null for the server itself. */
	readonly memberId: MemberId | null;
}

/** One log entry without its bytes: what the timeline lists. */
export interface HistoryEntry {
	readonly seq: number;
	readonly doc: string;
	readonly at: number;
	readonly memberId: MemberId | null;
}

/** A document's state at a sequence number: the newest checkpoint at or before it and the log up to it. */
export interface StateAt {
	readonly checkpoint: Uint8Array | null;
	readonly checkpointSeq: number;
	readonly updates: readonly { readonly seq: number; readonly data: Uint8Array }[];
}

export interface MeetingRecord {
	readonly id: string;
	readonly practiceId: PracticeId;
	readonly title: string;
	/** The meeting's date as the facilitator gave it (YYYY-MM-DD). */
	readonly date: string;
	/** Board ids on the agenda. */
	readonly agenda: readonly string[];
	readonly startedAt: number;
	readonly endedAt: number | null;
}

export type MarkKind = 'meeting-start' | 'meeting-end' | 'snapshot' | 'restore';

/** A named moment on the timeline: a position in the log (all boards unless `boardId`). */
export interface MarkRecord {
	readonly id: string;
	readonly practiceId: PracticeId;
	readonly boardId: string | null;
	readonly kind: MarkKind;
	readonly name: string;
	readonly seq: number;
	readonly at: number;
	readonly meetingId: string | null;
	readonly createdBy: MemberId | null;
}

export interface DocumentSize {
	readonly checkpointBytes: number;
	readonly logBytesSinceCheckpoint: number;
	readonly logBytes: number;
}

export interface StoredDocument {
	/** The newest checkpoint (full state, V2 encoding), if any. */
	readonly checkpoint: Uint8Array | null;
	/** Log entries after the checkpoint, in order (V1). */
	readonly updates: readonly Uint8Array[];
	/** The sequence number of the last log entry included (0 when empty). */
	readonly lastSeq: number;
	/** The sequence number the checkpoint covers (0 when none). */
	readonly checkpointSeq: number;
}

/**
 * Everything Zwerm keeps. One interface, one contract suite
 * (tests/integration/storage-contract.test.ts), several adapters.
 */
export interface Storage {
	readonly kind: string;
	createPractice(practice: PracticeRecord, inviteHashes: { participant: string; observer: string }): Promise<void>;
	getPractice(id: PracticeId): Promise<PracticeRecord | null>;
	findInvite(tokenHash: string): Promise<{ practiceId: PracticeId; role: 'participant' | 'observer' } | null>;
	addMember(member: MemberRecord, sessionHash: string): Promise<void>;
	/** The active member behind a session: the one made on joining, or another device's. */
	findSession(sessionHash: string): Promise<MemberRecord | null>;
	getMember(id: MemberId): Promise<MemberRecord | null>;
	/** Members who have not been removed. */
	listMembers(practiceId: PracticeId): Promise<MemberRecord[]>;
	updateMember(id: MemberId, change: { name?: string; role?: Role }): Promise<void>;
	/** Removes a member: their sessions (every device's) and device codes stop working at once. */
	removeMember(id: MemberId, at: number): Promise<void>;
	/** Keeps a device code; the member's earlier codes (and every expired one) are dropped. */
	saveDeviceCode(code: DeviceCodeRecord): Promise<void>;
	/** The active member an unexpired code signs in as, without using it up. */
	findDeviceCode(codeHash: string, now: number): Promise<{ member: MemberRecord; expiresAt: number } | null>;
	/**
	 * Uses a code up: if it is unexpired and its member active, it is deleted and
	 * a new session (another device's) is added for that member, in one
	 * transaction. Of two concurrent redemptions at most one succeeds.
	 */
	redeemDeviceCode(codeHash: string, now: number, sessionHash: string): Promise<MemberRecord | null>;
	revokeDeviceCodes(memberId: MemberId): Promise<void>;
	renewInvites(
		practiceId: PracticeId,
		tokens: { participant: string; observer: string },
		hashes: { participant: string; observer: string }
	): Promise<void>;
	setDefaultVisibility(practiceId: PracticeId, visibility: Visibility): Promise<void>;

	/** Which anonymous note mirrors which private note: known to the server only. */
	anonymousLinks(sourceDoc: string): Promise<{ anonId: string; noteId: string }[]>;
	linkAnonymous(anonId: string, sourceDoc: string, noteId: string): Promise<void>;
	unlinkAnonymous(anonIds: readonly string[]): Promise<void>;
	unlinkAnonymousSources(sourceDocs: readonly string[]): Promise<void>;

	createRound(round: RoundRecord): Promise<void>;
	revealRound(id: string, at: number): Promise<void>;
	openRounds(): Promise<RoundRecord[]>;

	/**
	 * Forgets documents' history: each one's log and checkpoints are replaced by
	 * one checkpoint of `state` (its current content), and the store's files are
	 * compacted so nothing erased remains on disk.
	 */
	eraseHistory(entries: readonly { doc: string; state: Uint8Array }[]): Promise<void>;
	/** A member who left: their name is blanked and the log no longer says which changes were theirs. */
	forgetMember(id: MemberId): Promise<void>;

	/** Appends updates in one transaction; resolves once they are durable. */
	appendUpdates(batch: readonly LoggedUpdate[]): Promise<void>;
	loadDocument(doc: string): Promise<StoredDocument>;
	/** Stores a full state (V2) covering the log up to and including `seq`. Idempotent. */
	writeCheckpoint(doc: string, seq: number, state: Uint8Array): Promise<void>;
	countUpdatesSince(doc: string, seq: number): Promise<number>;
	/**
	 * A document's stored bytes: its newest checkpoint, the log after it (with
	 * the checkpoint, what loading it reads: the document quota's measure), and
	 * its whole log (the history, which checkpoints do not shorten).
	 */
	documentSize(doc: string): Promise<DocumentSize>;
	/** The sequence number of the document's last log entry (0 when none). */
	lastSeq(doc: string): Promise<number>;

	/** The log's last sequence number over all documents (0 when empty). */
	headSeq(): Promise<number>;
	/** Log entries of these documents without their bytes, in order, optionally only those in (after, upTo]. */
	historyOf(docs: readonly string[], range?: { after?: number; upTo?: number }): Promise<HistoryEntry[]>;
	/** What rebuilds a document as it was at `seq`. */
	stateAt(doc: string, seq: number): Promise<StateAt>;
	/** The updates of these documents in (after, upTo], in order. */
	updatesBetween(docs: readonly string[], after: number, upTo: number): Promise<(HistoryEntry & { readonly data: Uint8Array })[]>;

	/**
	 * A document's version at `seq`: the last position at or before it where it
	 * changed (log entry or checkpoint), and how many log entries it has up to
	 * there. Equal versions mean equal states, also across an erasure.
	 */
	versionAt(doc: string, seq: number): Promise<{ seq: number; count: number }>;

	/** Per board, the log position up to which a member has seen it. */
	visits(memberId: MemberId): Promise<Map<string, number>>;
	/** Records a visit; a position lower than the one recorded is ignored. */
	markVisit(memberId: MemberId, boardId: string, seq: number, at: number): Promise<void>;

	createMeeting(meeting: MeetingRecord): Promise<void>;
	endMeeting(id: string, at: number): Promise<void>;
	getMeeting(id: string): Promise<MeetingRecord | null>;
	listMeetings(practiceId: PracticeId): Promise<MeetingRecord[]>;
	addMark(mark: MarkRecord): Promise<void>;
	/** Marks of a practice in timeline order; with `boardId`, the practice-wide ones and that board's. */
	listMarks(practiceId: PracticeId, boardId?: string): Promise<MarkRecord[]>;
	close(): Promise<void>;
}

export class StorageError extends Error {
	readonly code = 'storage-failed';
}
