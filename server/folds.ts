import * as Y from 'yjs';
import { isQuestionIndex, notesMap, parseCitationRef, type CitationRef } from '#lib/domain/notes.ts';
import { applyAndCollect, breather } from './past.ts';
import type { DocumentLog, DocumentVersion } from './storage/types.ts';

/** One log entry of a group document, folded: who, when, and per note it touched, the question it answers after it. */
export interface FoldedEntry {
	readonly seq: number;
	readonly at: number;
	readonly memberId: string | null;
	readonly notes: readonly string[];
	readonly questions: readonly (number | null)[];
}

/**
 * A group document folded from its log up to `seq`: the live Y.Doc at that
 * position, when each note existed, every entry with the notes it touched,
 * and the citations added to collective notes. Only new log entries are
 * applied on the next request: nothing is replayed from the start twice.
 */
export interface Fold {
	/** Folded up to this log position. */
	seq: number;
	/** The document's version there (storage's versionAt): a different one later means its log was replaced. */
	version: DocumentVersion;
	readonly doc: Y.Doc;
	readonly lives: Map<string, [number, number | null][]>;
	readonly entries: FoldedEntry[];
	readonly cited: { seq: number; at: number; memberId: string | null; note: string; ref: CitationRef }[];
	readonly cites: Map<string, ReadonlySet<string>>;
}

/** How many folded documents the server keeps (a board has a few; each is its live size plus a few numbers per change). */
const MAX_FOLDS = 2000;

/**
 * Group documents folded from the log, kept between requests (least recently
 * used first, at most MAX_FOLDS): a request applies only the entries logged
 * since the last one. Figures and lineage read the same folds.
 */
export class Folds {
	private readonly log: DocumentLog;
	private readonly folds = new Map<string, Fold>();

	constructor(log: DocumentLog) {
		this.log = log;
	}

	/** A document folded up to the log's head, from where the last request left it. */
	async fold(name: string, head: number): Promise<Fold> {
		const log = this.log;
		let fold = this.folds.get(name);
		// An erasure replaces a document's log: what was folded from it is void.
		if (fold && !sameVersion(await log.versionAt(name, fold.seq), fold.version)) {
			fold.doc.destroy();
			this.folds.delete(name);
			fold = undefined;
		}
		if (fold) this.touch(name, fold);
		if (fold && fold.seq >= head) return fold;
		const entries = await log.updatesBetween([name], fold?.seq ?? 0, head);
		if (!fold) {
			// Only after an erasure does a checkpoint come before a document's first log entry.
			const base = await log.stateAt(name, entries.length ? entries[0].seq - 1 : head);
			const doc = new Y.Doc();
			if (base.checkpoint) Y.applyUpdateV2(doc, base.checkpoint);
			const cold: Fold = { seq: base.checkpointSeq, version: { seq: 0, count: 0 }, doc, lives: new Map(), entries: [], cited: [], cites: new Map() };
			notesMap(doc).forEach((n, id) => {
				cold.lives.set(id, [[cold.seq, null]]);
				cold.cites.set(id, citesOf(n));
			});
			this.touch(name, (fold = cold));
		}
		const breathe = breather();
		const notes = notesMap(fold.doc);
		for (const entry of entries) {
			await breathe();
			const touched = [...applyAndCollect(fold.doc, entry.data)];
			const questions: (number | null)[] = [];
			for (const id of touched) {
				const note = notes.get(id);
				const lives = fold.lives.get(id) ?? [];
				const alive = lives.length > 0 && lives[lives.length - 1][1] === null;
				if (note instanceof Y.Map) {
					if (!alive) lives.push([entry.seq, null]);
					fold.lives.set(id, lives);
					const q = note.get('question');
					questions.push(isQuestionIndex(q) ? q : null);
					const now = citesOf(note);
					const before = fold.cites.get(id);
					for (const ref of now) if (!before?.has(ref)) fold.cited.push({ seq: entry.seq, at: entry.at, memberId: entry.memberId, note: id, ref: ref as CitationRef });
					fold.cites.set(id, now);
				} else {
					if (alive) lives[lives.length - 1][1] = entry.seq;
					questions.push(null);
					fold.cites.delete(id);
				}
			}
			fold.entries.push({ seq: entry.seq, at: entry.at, memberId: entry.memberId, notes: touched, questions });
		}
		// Up to the head even where this document had no entry: the next request starts there.
		fold.seq = head;
		fold.version = await log.versionAt(name, head);
		return fold;
	}

	/** Marks a fold as just used; the least recently used go once there are more than MAX_FOLDS. */
	private touch(name: string, fold: Fold): void {
		this.folds.delete(name);
		this.folds.set(name, fold);
		for (const [oldest, old] of this.folds) {
			if (this.folds.size <= MAX_FOLDS) break;
			old.doc.destroy();
			this.folds.delete(oldest);
		}
	}

	/** Forgets folded documents (the benchmark measures a cold start with it). */
	clear(): void {
		for (const f of this.folds.values()) f.doc.destroy();
		this.folds.clear();
	}
}

function citesOf(note: Y.Map<unknown>): ReadonlySet<string> {
	const cites = note.get('cites');
	return new Set(cites instanceof Y.Array ? cites.toArray().filter((r): r is string => typeof r === 'string' && parseCitationRef(r) !== null) : []);
}

const sameVersion = (a: DocumentVersion, b: DocumentVersion) => a.seq === b.seq && a.count === b.count;

