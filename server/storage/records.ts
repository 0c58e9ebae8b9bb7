/**
 * The records: practices, members, device codes, screens, anonymous links, rounds,
 * votes, meetings, marks and visits, one small interface each. The rules they keep
 * are REC-1… in docs/SPEC.md; the contract suite
 * (tests/integration/storage-records.contract.test.ts) cites them. Ids, roles,
 * visibilities and kinds are plain strings here; the server's typed views
 * and conversions are in server/records.ts.
 */

export interface StoredPractice {
	readonly id: string;
	readonly name: string;
	/** The practice's framework as JSON text, kept as given. */
	readonly framework: string;
	readonly createdAt: number;
	/** Invite tokens in the clear: the facilitator is shown them again. Looked up by hash. */
	readonly participantInvite: string;
	readonly observerInvite: string;
	/** Visibility of new individual notes. */
	readonly defaultVisibility: string;
}

export interface StoredInvite {
	readonly practiceId: string;
	readonly role: 'participant' | 'observer';
}

export interface StoredMember {
	readonly id: string;
	readonly practiceId: string;
	readonly name: string;
	/** 'facilitator', 'participant' or 'observer'; only 'observer' has no lane. */
	readonly role: string;
	readonly createdAt: number;
	readonly removedAt: number | null;
	/** Had an individual lane (was not an observer); false again after being forgotten. */
	readonly hadLane: boolean;
}

/** A one-time code that signs another device in as a member (see server/device-codes.ts). Stored by hash. */
export interface StoredDeviceCode {
	readonly codeHash: string;
	readonly memberId: string;
	readonly createdAt: number;
	readonly expiresAt: number;
}

/**
 * A room's screen (see server/screens.ts): paired by a facilitator with a
 * short one-time code, then signed in by a session of its own. Not a member.
 */
export interface StoredScreen {
	readonly id: string;
	readonly practiceId: string;
	/** The member who asked for the code; the screen follows them. */
	readonly pairedBy: string;
	readonly createdAt: number;
	/** When the code was used; null while it waits. */
	readonly pairedAt: number | null;
}

export interface StoredRound {
	readonly id: string;
	readonly practiceId: string;
	readonly boardId: string;
	readonly startedAt: number;
	readonly endsAt: number;
	readonly revealedAt: number | null;
}

/** A dot vote on a board's collective lane. Its dots are kept apart (`VoteRecords.dot`) until it closes. */
export interface StoredVote {
	readonly id: string;
	readonly practiceId: string;
	readonly boardId: string;
	/** Dots per member. */
	readonly dots: number;
	/** Most dots one member may put on one note. */
	readonly perNote: number;
	readonly startedAt: number;
	readonly endsAt: number | null;
	readonly closedAt: number | null;
	/** After closing: the notes with dots, most first, totals only. */
	readonly result: readonly VoteTotal[] | null;
}

export interface VoteTotal {
	readonly noteId: string;
	readonly total: number;
}

/** Why a dot was not placed or taken back (REC-20). */
export type DotRefusal = 'closed' | 'no-dots-left' | 'note-full' | 'not-placed';

export interface StoredMeeting {
	readonly id: string;
	readonly practiceId: string;
	readonly title: string;
	/** The meeting's date as the facilitator gave it (YYYY-MM-DD). */
	readonly date: string;
	/** Board ids on the agenda. */
	readonly agenda: readonly string[];
	readonly startedAt: number;
	readonly endedAt: number | null;
}

/** A named moment on the timeline: a position in the log (all boards unless `boardId`). */
export interface StoredMark {
	readonly id: string;
	readonly practiceId: string;
	readonly boardId: string | null;
	readonly kind: string;
	readonly name: string;
	readonly seq: number;
	readonly at: number;
	readonly meetingId: string | null;
	readonly createdBy: string | null;
}

export interface InviteHashes {
	readonly participant: string;
	readonly observer: string;
}

export interface PracticeRecords {
	/** A practice and its two invites, or nothing (REC-1). */
	create(practice: StoredPractice, inviteHashes: InviteHashes): Promise<void>;
	get(id: string): Promise<StoredPractice | null>;
	findInvite(tokenHash: string): Promise<StoredInvite | null>;
	/** New invite tokens and hashes; the old hashes stop working (REC-2). */
	renewInvites(practiceId: string, tokens: InviteHashes, hashes: InviteHashes): Promise<void>;
	/** Keeps a short code's hash for the practice's participant invite; kept once, however often given (REC-25). */
	addShortCode(practiceId: string, codeHash: string): Promise<void>;
	/** The practice a short code's hash leads to, or null; invite hashes lead nowhere here (REC-25). */
	findShortCode(codeHash: string): Promise<string | null>;
	setDefaultVisibility(practiceId: string, visibility: string): Promise<void>;
	/** The framework (JSON text) a running practice now reflects with (REC-4). */
	setFramework(practiceId: string, framework: string): Promise<void>;
}

export interface MemberRecords {
	/** A member and the session made on joining (REC-3, REC-4). */
	add(member: StoredMember, sessionHash: string): Promise<void>;
	/** The active member behind a session: the one made on joining, or another device's. */
	findSession(sessionHash: string): Promise<StoredMember | null>;
	get(id: string): Promise<StoredMember | null>;
	/** Members who have not been removed, in order of joining (REC-5). */
	list(practiceId: string): Promise<StoredMember[]>;
	update(id: string, change: { name?: string; role?: string }): Promise<void>;
	/** Removes a member: their sessions (every device's) and device codes stop working at once (REC-6). */
	remove(id: string, at: number): Promise<void>;
	/** A member who left: name blank, no lane, no marks attributed, no visits (REC-7). */
	forget(id: string): Promise<void>;
}

export interface DeviceCodeRecords {
	/** Keeps a device code; the member's earlier codes (and every expired one) are dropped (REC-8). */
	save(code: StoredDeviceCode): Promise<void>;
	/** The active member an unexpired code signs in as, without using it up. */
	find(codeHash: string, now: number): Promise<{ member: StoredMember; expiresAt: number } | null>;
	/**
	 * Uses a code up: if it is unexpired and its member active, it is deleted and
	 * a new session (another device's) is added for that member, in one
	 * transaction. Of two concurrent redemptions at most one succeeds (REC-9).
	 */
	redeem(codeHash: string, now: number, sessionHash: string): Promise<StoredMember | null>;
	revoke(memberId: string): Promise<void>;
}

export interface ScreenRecords {
	/**
	 * Keeps a waiting screen and its code by hash; the member's earlier waiting
	 * codes of that practice and every expired waiting one are dropped (REC-22).
	 */
	offer(screen: StoredScreen, codeHash: string, expiresAt: number): Promise<void>;
	/**
	 * Uses a code once: if it is unexpired and waiting, and the member who asked
	 * for it is an active facilitator, the code is dropped and the session hash
	 * kept, in one transaction. Of concurrent uses at most one succeeds (REC-23).
	 */
	pair(codeHash: string, now: number, sessionHash: string): Promise<StoredScreen | null>;
	/** The paired screen behind a session, while the member who paired it is an active facilitator (REC-24). */
	findSession(sessionHash: string): Promise<StoredScreen | null>;
	/** A practice's paired screens, oldest first (REC-24). */
	list(practiceId: string): Promise<StoredScreen[]>;
	/** Ends a screen of the practice, paired or waiting; true when there was one (REC-24). */
	end(practiceId: string, id: string): Promise<boolean>;
}

/** Which anonymous note mirrors which private note: known to the server only (REC-10). */
export interface AnonymousLinks {
	of(sourceDoc: string): Promise<{ anonId: string; noteId: string }[]>;
	/**
	 * Links a source note to this anonymous id unless it has a link already;
	 * answers the anonymous id that mirrors it — the first claim's, also when
	 * two instances claim at once (REC-13).
	 */
	claim(anonId: string, sourceDoc: string, noteId: string): Promise<string>;
	unlink(anonIds: readonly string[]): Promise<void>;
	unlinkSources(sourceDocs: readonly string[]): Promise<void>;
}

export interface RoundRecords {
	create(round: StoredRound): Promise<void>;
	/** Reveals an open round; a revealed or unknown one is left alone (REC-11). */
	reveal(id: string, at: number): Promise<void>;
	open(): Promise<StoredRound[]>;
}

export interface VoteRecords {
	/** Opens a vote; false, and nothing kept, while the board has an open one (REC-19). */
	create(vote: StoredVote): Promise<boolean>;
	get(id: string): Promise<StoredVote | null>;
	/** The board's open vote, or null. */
	openOn(practiceId: string, boardId: string): Promise<StoredVote | null>;
	/** Every open vote (timers after a restart). */
	open(): Promise<StoredVote[]>;
	/** A practice's votes in order of opening. */
	list(practiceId: string): Promise<StoredVote[]>;
	/**
	 * Places (`delta` 1) or takes back (-1) one of a member's dots on a note, in
	 * one transaction that checks the vote is open and the member stays within
	 * `dots` and `perNote`: concurrent calls never exceed them (REC-20).
	 */
	dot(voteId: string, memberId: string, noteId: string, delta: 1 | -1): Promise<DotRefusal | null>;
	/** A member's dots by note (while open). */
	mine(voteId: string, memberId: string): Promise<Map<string, number>>;
	/** How many members have placed all their dots: a count, never who. */
	done(voteId: string): Promise<number>;
	/**
	 * Closes an open vote: the totals on `notes` (others are dropped), ranked,
	 * are kept as its result and every member's dots are deleted, in one
	 * transaction. Null when it was closed already: only one close counts (REC-21).
	 */
	close(voteId: string, at: number, notes: readonly string[]): Promise<VoteTotal[] | null>;
}

export interface MeetingRecords {
	create(meeting: StoredMeeting): Promise<void>;
	/** Ends an open meeting; an ended one keeps its end (REC-12). */
	end(id: string, at: number): Promise<void>;
	get(id: string): Promise<StoredMeeting | null>;
	list(practiceId: string): Promise<StoredMeeting[]>;
}

export interface MarkRecords {
	add(mark: StoredMark): Promise<void>;
	/** Marks of a practice in timeline order; with `boardId`, the practice-wide ones and that board's (REC-13). */
	list(practiceId: string, boardId?: string): Promise<StoredMark[]>;
}

export interface VisitRecords {
	/** Per board, the log position up to which a member has seen it. */
	of(memberId: string): Promise<Map<string, number>>;
	/** Records a visit; a position lower than the one recorded is ignored (REC-14). */
	mark(memberId: string, boardId: string, seq: number, at: number): Promise<void>;
}

export interface Records {
	readonly practices: PracticeRecords;
	readonly members: MemberRecords;
	readonly deviceCodes: DeviceCodeRecords;
	readonly screens: ScreenRecords;
	readonly anonymousLinks: AnonymousLinks;
	readonly rounds: RoundRecords;
	readonly votes: VoteRecords;
	readonly meetings: MeetingRecords;
	readonly marks: MarkRecords;
	readonly visits: VisitRecords;
}
