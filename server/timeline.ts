import type { HistoryEntry } from './storage/types.ts';
import type { MarkRecord } from './records.ts';
import { collectiveDoc } from '#lib/domain/docnames.ts';
import type { BoardId, MemberId, PracticeId } from '#lib/domain/ids.ts';
import {
	compareViews,
	type BoardView,
	type ChangeAuthor,
	type Comparison,
	type NoteView,
	type ReplayPage,
	type ReplayStep,
	type TimelineEntry
} from '#lib/domain/history.ts';
import { EDIT_PAUSE_MS, groupEdits, type Change, type Edit, type NoteFact } from '#lib/domain/edits.ts';
import { WorkGate } from './work-gate.ts';
import { LaneFacts } from './lane-facts.ts';
import type { BoardReader, GroupBoard } from './board-reader.ts';
import type { Meetings } from './meetings.ts';
import type { ServiceContext } from './service-context.ts';
import { breather, docAt, docsAt, notesOf, replayStep, restoreNotes, withoutHiddenCites, type LaneFact } from './past.ts';

/** At most this many steps in one replay page: the browser asks again as it plays. */
export const MAX_STEPS = 2000;

/**
 * A replay page ends before the step that would take its JSON past this many
 * bytes (a page has at least one step; a step is bounded by the notes it
 * touches, each at most NOTE_VIEW_CHARS of text).
 */
export const REPLAY_PAGE_BYTES = 1024 * 1024;

/** How many notes of past lanes the server keeps at most, to show moments again quickly. */
const CACHED_NOTES = 50_000;

/** A replay from a position: the board there, the steps after it, and after which step a byte budget ended it. */
export interface Replayed {
	readonly view: BoardView;
	readonly steps: ReplayStep[];
	readonly last: number | null;
}

/**
 * The timeline: boards as they were at any position of the update log,
 * replay steps, comparisons and restores.
 *
 * Privacy: history shows what every member may see now. Private documents
 * are never replayed; an individual note that is private or anonymous now
 * is left out of its lane's past (it may have been shared once: showing it
 * would link an anonymous note to its author); changes of the anonymous
 * lane carry no time and no author. Erased history is gone from the log.
 */
export class Timeline {
	private readonly ctx: ServiceContext;
	private readonly reader: BoardReader;
	private readonly meetings: Meetings;
	/** Limits how many history requests (timeline, news) rebuild at once, per member and in all (see WorkGate). */
	readonly gate = new WorkGate();
	/** Changes of one person to one note further apart than this are two edits (tests shorten it). */
	editPauseMs = EDIT_PAUSE_MS;

	constructor(ctx: ServiceContext, reader: BoardReader, meetings: Meetings) {
		this.ctx = ctx;
		this.reader = reader;
		this.meetings = meetings;
		this.facts = new LaneFacts(ctx.storage.log);
	}

	/** What each lane's log entries did to notes (edits are grouped from it). */
	private readonly facts: LaneFacts;

	/**
	 * Every change of a board, in order, with who made it (as far as the viewer
	 * may know), and the changes grouped into edits (`groupEdits`: one person,
	 * one note, until a pause). What an edit says of a note comes from the
	 * notes the group may see now: notes hidden now and citations of them are
	 * left out before grouping, and anonymous changes keep no time and no author.
	 */
	async timeline(practiceId: PracticeId, boardId: BoardId): Promise<{ entries: TimelineEntry[]; edits: Edit[]; marks: MarkRecord[]; head: number }> {
		const board = await this.reader.board(practiceId, boardId);
		const names = new Map(board.members.map((m) => [m.id as string, m.name]));
		const onlyHidden = await this.facts.entriesOfHiddenNotes(board);
		const logged = (await this.ctx.storage.log.history([...board.lanes.keys()])).filter((e) => !onlyHidden.has(e.seq));
		const entries = logged.map((e): TimelineEntry => {
			const lane = board.lanes.get(e.doc)!;
			if (lane === 'anonymous') return { seq: e.seq, at: null, lane, by: 'anonymous' };
			const by: ChangeAuthor = e.memberId ? { memberId: e.memberId, name: names.get(e.memberId) ?? '' } : null;
			return { seq: e.seq, at: e.at, lane, by };
		});
		const facts = new Map<string, Map<number, readonly LaneFact[]>>();
		for (const name of board.lanes.keys()) facts.set(name, await this.facts.of(name));
		const changes = logged.map((e, i): Change => {
			const lane = board.lanes.get(e.doc)!;
			const hidden = board.hidden.ofLane(lane);
			let notes: readonly NoteFact[] = facts.get(e.doc)!.get(e.seq) ?? [];
			if (hidden.size > 0) notes = notes.filter((f) => !hidden.has(f.id));
			// A citation of a note hidden now does not count as bringing something in.
			if (notes.some((f) => f.cited)) notes = notes.map((f) => (f.cited ? { ...f, cited: board.hidden.visibleCites((f as LaneFact).cites).length > 0 } : f));
			const entry = entries[i];
			return { seq: entry.seq, at: entry.at, lane: entry.lane, by: entry.by, notes };
		});
		const marks = await this.meetings.marksOfBoard(practiceId, boardId);
		const edits = groupEdits(changes, this.editPauseMs, marks.map((m) => m.seq));
		return { entries, edits, marks, head: entries.at(-1)?.seq ?? 0 };
	}

	/** The board as it was right after log entry `seq`. */
	async view(practiceId: PracticeId, boardId: BoardId, seq: number): Promise<BoardView> {
		return this.viewOf(await this.reader.board(practiceId, boardId), seq);
	}

	/**
	 * A board at `seq`, lane by lane. A lane's notes are kept per document
	 * version (the storage's `versionAt`: where it last changed, and how many
	 * log entries it has up to there), so a lane nobody touched between two
	 * moments is not rebuilt, and a version after an erasure never matches one
	 * from before it. Notes hidden now are left out after the cache.
	 */
	async viewOf(board: GroupBoard, seq: number): Promise<BoardView> {
		const notes: NoteView[] = [];
		const breathe = breather();
		for (const [name, lane] of board.lanes) {
			await breathe();
			const version = await this.ctx.storage.log.versionAt(name, seq);
			const key = `${name}\u0000${version.seq}\u0000${version.count}`;
			let laneNotes = this.cache.get(key);
			if (laneNotes) {
				this.cache.delete(key);
				this.cachedNotes -= laneNotes.length;
			} else if (version.seq === 0) {
				laneNotes = [];
			} else {
				const doc = await docAt(this.ctx.storage.log, name, version.seq);
				laneNotes = notesOf(null, lane, doc);
				doc.destroy();
			}
			this.remember(key, laneNotes);
			for (const n of laneNotes) if (!board.hidden.has(lane, n.id)) notes.push(withoutHiddenCites(board, n));
		}
		return { seq, notes };
	}

	/** Forgets cached past lanes (the benchmark measures cold answers with it). */
	clearCache(): void {
		this.cache.clear();
		this.cachedNotes = 0;
	}

	private readonly cache = new Map<string, readonly NoteView[]>();
	private cachedNotes = 0;

	/** Least recently used lanes go first once the cache holds more than CACHED_NOTES notes. */
	private remember(key: string, notes: readonly NoteView[]): void {
		this.cache.set(key, notes);
		this.cachedNotes += notes.length;
		for (const [oldest, old] of this.cache) {
			if (this.cachedNotes <= CACHED_NOTES || oldest === key) break;
			this.cache.delete(oldest);
			this.cachedNotes -= old.length;
		}
	}

	/**
	 * One page of a replay: the board at `from` (left out with `withView: false`)
	 * and one step per change after it, up to `to` or until the page holds
	 * MAX_STEPS steps or REPLAY_PAGE_BYTES of JSON; `to` of the answer says
	 * where it ended, and the next page starts there.
	 */
	async replay(practiceId: PracticeId, boardId: BoardId, from: number, to: number, withView = true): Promise<ReplayPage> {
		const board = await this.reader.board(practiceId, boardId);
		const names = [...board.lanes.keys()];
		let upTo = to;
		if (to > from) {
			const listed = await this.ctx.storage.log.history(names, { after: from, upTo: to });
			if (listed.length > MAX_STEPS) upTo = listed[MAX_STEPS - 1].seq;
		}
		const entries = upTo > from ? await this.ctx.storage.log.updatesBetween(names, from, upTo) : [];
		const page = await this.replayOf(board, from, entries, withView ? 'view' : 'steps', REPLAY_PAGE_BYTES);
		return { view: withView ? page.view : null, steps: page.steps, to: page.last ?? upTo };
	}

	/**
	 * Replays `entries` from the board at `from`. With a byte budget, stops
	 * before the step that would take the page (the view too, when `count` is
	 * 'view') past it, and says after which step (`last`).
	 */
	async replayOf(
		board: GroupBoard,
		from: number,
		entries: readonly (HistoryEntry & { readonly data: Uint8Array })[],
		count: 'view' | 'steps' = 'steps',
		budget = Number.POSITIVE_INFINITY
	): Promise<Replayed> {
		const breathe = breather();
		const docs = await docsAt(this.ctx.storage.log, board, from);
		const view = { seq: from, notes: [...docs].flatMap(([name, doc]) => notesOf(board, board.lanes.get(name)!, doc).map((n) => withoutHiddenCites(board, n))) };
		// Each note as the steps so far left it: a step carries the difference from it.
		const shown = new Map(view.notes.map((n) => [`${n.lane}\u0000${n.id}`, n]));
		let bytes = budget < Number.POSITIVE_INFINITY && count === 'view' ? JSON.stringify(view).length : 0;
		const steps: ReplayStep[] = [];
		let last: number | null = null;
		for (const entry of entries) {
			await breathe();
			const step = replayStep(board, docs.get(entry.doc)!, board.lanes.get(entry.doc)!, entry, shown);
			// A change of notes hidden now is left out altogether: its time and author would point at them.
			if (!step) continue;
			if (budget < Number.POSITIVE_INFINITY) {
				bytes += JSON.stringify(step).length + 1;
				if (bytes > budget && steps.length > 0) {
					last = steps[steps.length - 1].seq;
					break;
				}
			}
			steps.push(step);
		}
		for (const doc of docs.values()) doc.destroy();
		return { view, steps, last };
	}

	async compare(practiceId: PracticeId, boardId: BoardId, from: number, to: number): Promise<Comparison> {
		const board = await this.reader.board(practiceId, boardId);
		return compareViews(await this.viewOf(board, from), await this.viewOf(board, to));
	}

	/**
	 * Brings the collective lane back to how it was at `seq`, as a new change
	 * by `by`: nothing in the log is rewritten, so clients and offline copies
	 * merge it like any other edit. Individual lanes belong to their authors
	 * and are left alone. Returns the restore's mark.
	 */
	async restore(practiceId: PracticeId, boardId: BoardId, seq: number, by: MemberId, name: string): Promise<MarkRecord> {
		await this.reader.board(practiceId, boardId);
		const docName = collectiveDoc(practiceId, boardId);
		const past = await docAt(this.ctx.storage.log, docName, seq);
		const connection = await this.ctx.documents.open(docName, { memberId: by });
		try {
			await connection.transact((live) => restoreNotes(past, live));
		} finally {
			await connection.disconnect();
			past.destroy();
		}
		return this.meetings.mark(practiceId, { kind: 'restore', name, boardId, meetingId: null, createdBy: by });
	}
}
