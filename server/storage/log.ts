/**
 * The document log: bytes and positions. Each document is a sequence of Yjs
 * updates under one log-wide sequence number, with full-state checkpoints
 * beside it. The rules each method keeps are LOG-1… in docs/SPEC.md; the
 * contract suite (tests/integration/storage-log.contract.test.ts) cites them.
 * Plain strings and bytes only: no domain types cross this boundary.
 */

export interface LoggedUpdate {
	readonly doc: string;
	/** A Yjs update, V1 encoding, exactly as the document emitted it. */
	readonly update: Uint8Array;
	readonly at: number;
	/** Who made the change; null for the server itself. */
	readonly memberId: string | null;
}

/** One log entry without its bytes: what the timeline lists. */
export interface HistoryEntry {
	readonly seq: number;
	readonly doc: string;
	readonly at: number;
	readonly memberId: string | null;
}

/** A document's state at a sequence number: the newest checkpoint at or before it and the log up to it. */
export interface StateAt {
	readonly checkpoint: Uint8Array | null;
	readonly checkpointSeq: number;
	readonly updates: readonly { readonly seq: number; readonly data: Uint8Array }[];
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

/** A document's version: see `DocumentLog.versionAt`. */
export interface DocumentVersion {
	readonly seq: number;
	readonly count: number;
}

export interface DocumentLog {
	/** Appends updates in one transaction; resolves once they are durable (LOG-1…LOG-4). */
	append(batch: readonly LoggedUpdate[]): Promise<void>;
	/** The newest checkpoint and the log after it (LOG-5, LOG-6). */
	load(doc: string): Promise<StoredDocument>;
	/** Stores a full state (V2) covering the log up to and including `seq`. Idempotent (LOG-7, LOG-8). */
	checkpoint(doc: string, seq: number, state: Uint8Array): Promise<void>;
	/** How many of the document's log entries come after `seq`. */
	countSince(doc: string, seq: number): Promise<number>;
	/**
	 * A document's stored bytes: its newest checkpoint, the log after it (with
	 * the checkpoint, what loading it reads: the document quota's measure), and
	 * its whole log (the history, which checkpoints do not shorten) (LOG-9).
	 */
	size(doc: string): Promise<DocumentSize>;
	/** The sequence number of the document's last log entry (0 when none). */
	lastSeq(doc: string): Promise<number>;
	/** The log's last sequence number over all documents (0 when empty). */
	headSeq(): Promise<number>;
	/** Log entries of these documents without their bytes, in order, optionally only those in (after, upTo] (LOG-10). */
	history(docs: readonly string[], range?: { after?: number; upTo?: number }): Promise<HistoryEntry[]>;
	/** The updates of these documents in (after, upTo], in order (LOG-10). */
	updatesBetween(docs: readonly string[], after: number, upTo: number): Promise<(HistoryEntry & { readonly data: Uint8Array })[]>;
	/** What rebuilds a document as it was at `seq` (LOG-11). */
	stateAt(doc: string, seq: number): Promise<StateAt>;
	/**
	 * A document's version at `seq`: the last position at or before it where it
	 * changed (log entry or checkpoint), and how many log entries it has up to
	 * there. Equal versions mean equal states, also across an erasure (LOG-12).
	 */
	versionAt(doc: string, seq: number): Promise<DocumentVersion>;
	/**
	 * Forgets documents' history: each one's log and checkpoints are replaced by
	 * one checkpoint of `state` (its current content), and the store's files are
	 * compacted so nothing erased remains on disk (LOG-13, LOG-14).
	 */
	erase(entries: readonly { doc: string; state: Uint8Array }[]): Promise<void>;
	/** The log no longer says which changes were this member's; the changes stay (LOG-15). */
	forgetAuthor(memberId: string): Promise<void>;
}
