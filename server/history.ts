import { setImmediate as nextTurn } from 'node:timers/promises';
import * as Y from 'yjs';
import { yXmlFragmentToProsemirrorJSON } from '@tiptap/y-tiptap';
import type { HistoryEntry, Storage } from './storage/types.ts';
import { marksOf, meetingOf, meetingsOf, type MarkRecord, type MeetingRecord, type MarkKind } from './records.ts';
import { collectiveDoc, practiceDoc } from '../src/lib/domain/docnames.ts';
import { randomId, type BoardId, type MemberId, type PracticeId } from '../src/lib/domain/ids.ts';
import { NOTES_KEY, createNote, notesMap, noteContent, plainText, toNoteData } from '../src/lib/domain/notes.ts';
import { boardsOf, readPractice, type PracticeInfo } from '../src/lib/domain/practice.ts';
import {
	compareViews,
	memberLane,
	NOTE_VIEW_CHARS,
	type BoardView,
	type ChangeAuthor,
	type Comparison,
	type LaneKey,
	type NotePatch,
	type NoteView,
	type ReplayPage,
	type ReplayStep,
	type TimelineEntry
} from '../src/lib/domain/history.ts';
import { diff } from '../src/lib/domain/patch.ts';
import { WorkGate } from './work-gate.ts';
import type { BoardReader, GroupBoard } from './board-reader.ts';
import { ServiceError } from './errors.ts';

export interface NewNote {
	readonly lane: LaneKey;
	readonly id: string;
	readonly kind: 'added' | 'changed';
}

export interface News {
	/** The log position the member had seen up to (0: never opened the board). */
	readonly since: number;
	readonly head: number;
	readonly notes: readonly NewNote[];
}

/** At most this many steps in one replay page: the browser asks again as it plays. */
export const MAX_STEPS = 2000;

/**
 * A replay page ends before the step that would take its JSON past this many
 * bytes (a page has at least one step; a step is bounded by the notes it
 * touches, each at most NOTE_VIEW_CHARS of text).
 */
export const REPLAY_PAGE_BYTES = 1024 * 1024;

/** Rebuilding yields to the event loop after this long, so /healthz and websockets are answered meanwhile. */
const SLICE_MS = 10;

/** How many notes of past lanes the server keeps at most, to show moments again quickly. */
const CACHED_NOTES = 50_000;

interface HistoryDeps {
	readonly storage: Storage;
	readonly reader: BoardReader;
	readonly readDocument: (name: string) => Promise<Y.Doc>;
	readonly openDirect: (name: string, context: { memberId: MemberId }) => Promise<{ transact(fn: (doc: Y.Doc) => void): Promise<void>; disconnect(): Promise<void> }>;
	/** Resolves once every update applied so far is in the log. */
	readonly whenStored: () => Promise<void>;
}

/**
 * A note as the past may show it: without citations of notes that are private
 * or anonymous now, which would name their author beside their text.
 */
function withoutHiddenCites(board: GroupBoard, note: NoteView): NoteView {
	const cites = board.hidden.visibleCites(note.cites);
	return cites === note.cites ? note : { ...note, cites };
}

/**
 * The timeline: boards as they were at any position of the update log,
 * replay steps, comparisons, restores, meetings and named moments.
 *
 * Privacy: history shows what every member may see now. Private documents
 * are never replayed; an individual note that is private or anonymous now
 * is left out of its lane's past (it may have been shared once: showing it
 * would link an anonymous note to its author); changes of the anonymous
 * lane carry no time and no author. Erased history is gone from the log.
 */
export class History {
	private readonly deps: HistoryDeps;
	/** Limits how many history requests rebuild at once, per member and in all (see WorkGate). */
	readonly gate = new WorkGate();

	constructor(deps: HistoryDeps) {
		this.deps = deps;
	}

	private boardDocs(practiceId: PracticeId, boardId: BoardId, known?: PracticeInfo): Promise<GroupBoard> {
		return this.deps.reader.board(practiceId, boardId, known);
	}

	/** Per lane document: every note id ever created in it, up to which log position (found by decoding, not replaying). */
	private readonly createdIds = new Map<string, { seq: number; ids: Set<string> }>();
	/** Per lane document and log entry: the notes that entry touched. Log entries never change. */
	private readonly touched = new Map<string, Map<number, readonly string[]>>();

	/**
	 * The log entries of member lanes that touched only notes hidden now. A
	 * note that was shared, then made private (or, before Zwerm refused it,
	 * anonymous) keeps its id: its entries in the named lane, with their time
	 * and author, would sit in the timeline right before the note's next life.
	 * Only lanes that ever held a note hidden now are replayed to find them.
	 */
	private async entriesOfHiddenNotes(board: GroupBoard): Promise<Set<number>> {
		const out = new Set<number>();
		for (const [name, lane] of board.lanes) {
			const hidden = board.hidden.ofLane(lane);
			if (!hidden.size) continue;
			const ever = await this.idsEverCreated(name);
			if (![...hidden].some((id) => ever.has(id))) continue;
			for (const [seq, ids] of await this.notesTouched(name)) if (ids.length > 0 && ids.every((id) => hidden.has(id))) out.add(seq);
		}
		return out;
	}

	private async idsEverCreated(name: string): Promise<ReadonlySet<string>> {
		const known = this.createdIds.get(name) ?? { seq: 0, ids: new Set<string>() };
		const head = await this.deps.storage.log.headSeq();
		if (known.seq >= head) return known.ids;
		for (const entry of await this.deps.storage.log.updatesBetween([name], known.seq, head)) {
			for (const struct of Y.decodeUpdate(entry.data).structs) {
				// A note's first write names the root map (decoded updates carry its name, not the type) and its key; later ones point at earlier items.
				if (struct instanceof Y.Item && (struct.parent as unknown) === NOTES_KEY && typeof struct.parentSub === 'string') known.ids.add(struct.parentSub);
			}
		}
		known.seq = head;
		this.createdIds.set(name, known);
		return known.ids;
	}

	private async notesTouched(name: string): Promise<Map<number, readonly string[]>> {
		const known = this.touched.get(name) ?? new Map<number, readonly string[]>();
		const entries = await this.deps.storage.log.history([name]);
		const first = entries.find((e) => !known.has(e.seq));
		if (first) {
			const doc = await this.docAt(name, first.seq - 1);
			// Define the root map before the first update does: else Yjs makes a plain type that notesMap replaces later.
			notesMap(doc);
			for (const entry of await this.deps.storage.log.updatesBetween([name], first.seq - 1, entries.at(-1)!.seq)) {
				const ids = new Set<string>();
				const collect = (tr: Y.Transaction) => {
					for (const type of tr.changed.keys()) for (const id of noteIdsOf(doc, type, tr.changed.get(type)!)) ids.add(id);
				};
				doc.on('afterTransaction', collect);
				Y.applyUpdate(doc, entry.data);
				doc.off('afterTransaction', collect);
				known.set(entry.seq, [...ids]);
				// Yield now and then: a long lane must not hold up every other request.
				if (known.size % 500 === 0) await new Promise((r) => setImmediate(r));
			}
			doc.destroy();
			this.touched.set(name, known);
		}
		return known;
	}

	/** Every change of a board, in order, with who made it (as far as the viewer may know). */
	async timeline(practiceId: PracticeId, boardId: BoardId): Promise<{ entries: TimelineEntry[]; marks: MarkRecord[]; head: number }> {
		const board = await this.boardDocs(practiceId, boardId);
		const names = new Map(board.members.map((m) => [m.id as string, m.name]));
		const onlyHidden = await this.entriesOfHiddenNotes(board);
		const logged = (await this.deps.storage.log.history([...board.lanes.keys()])).filter((e) => !onlyHidden.has(e.seq));
		const entries = logged.map((e): TimelineEntry => {
			const lane = board.lanes.get(e.doc)!;
			if (lane === 'anonymous') return { seq: e.seq, at: null, lane, by: 'anonymous' };
			const by: ChangeAuthor = e.memberId ? { memberId: e.memberId, name: names.get(e.memberId) ?? '' } : null;
			return { seq: e.seq, at: e.at, lane, by };
		});
		const marks = marksOf(await this.deps.storage.records.marks.list(practiceId, boardId));
		return { entries, marks, head: entries.at(-1)?.seq ?? 0 };
	}

	/** The board as it was right after log entry `seq`. */
	async view(practiceId: PracticeId, boardId: BoardId, seq: number): Promise<BoardView> {
		return this.viewOf(await this.boardDocs(practiceId, boardId), seq);
	}

	/**
	 * A board at `seq`, lane by lane. A lane's notes are kept per document
	 * version (the storage's `versionAt`: where it last changed, and how many
	 * log entries it has up to there), so a lane nobody touched between two
	 * moments is not rebuilt, and a version after an erasure never matches one
	 * from before it. Notes hidden now are left out after the cache.
	 */
	private async viewOf(board: GroupBoard, seq: number): Promise<BoardView> {
		const notes: NoteView[] = [];
		const breathe = breather();
		for (const [name, lane] of board.lanes) {
			await breathe();
			const version = await this.deps.storage.log.versionAt(name, seq);
			const key = `${name}\u0000${version.seq}\u0000${version.count}`;
			let laneNotes = this.cache.get(key);
			if (laneNotes) {
				this.cache.delete(key);
				this.cachedNotes -= laneNotes.length;
			} else if (version.seq === 0) {
				laneNotes = [];
			} else {
				const doc = await this.docAt(name, version.seq);
				laneNotes = this.notesOf(null, lane, doc);
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
		const board = await this.boardDocs(practiceId, boardId);
		const names = [...board.lanes.keys()];
		let upTo = to;
		if (to > from) {
			const listed = await this.deps.storage.log.history(names, { after: from, upTo: to });
			if (listed.length > MAX_STEPS) upTo = listed[MAX_STEPS - 1].seq;
		}
		const entries = upTo > from ? await this.deps.storage.log.updatesBetween(names, from, upTo) : [];
		const page = await this.replayOf(board, from, entries, withView ? 'view' : 'steps', REPLAY_PAGE_BYTES);
		return { view: withView ? page.view : null, steps: page.steps, to: page.last ?? upTo };
	}

	/**
	 * Replays `entries` from the board at `from`. With a byte budget, stops
	 * before the step that would take the page (the view too, when `count` is
	 * 'view') past it, and says after which step (`last`).
	 */
	private async replayOf(
		board: GroupBoard,
		from: number,
		entries: readonly (HistoryEntry & { readonly data: Uint8Array })[],
		count: 'view' | 'steps' = 'steps',
		budget = Number.POSITIVE_INFINITY
	): Promise<{ view: BoardView; steps: ReplayStep[]; last: number | null }> {
		const breathe = breather();
		const docs = await this.docsAt(board, from);
		const view = { seq: from, notes: [...docs].flatMap(([name, doc]) => this.notesOf(board, board.lanes.get(name)!, doc).map((n) => withoutHiddenCites(board, n))) };
		// Each note as the steps so far left it: a step carries the difference from it.
		const shown = new Map(view.notes.map((n) => [`${n.lane}\u0000${n.id}`, n]));
		let bytes = budget < Number.POSITIVE_INFINITY && count === 'view' ? JSON.stringify(view).length : 0;
		const steps: ReplayStep[] = [];
		let last: number | null = null;
		for (const entry of entries) {
			await breathe();
			const doc = docs.get(entry.doc)!;
			const lane = board.lanes.get(entry.doc)!;
			const touched = new Set<string>();
			const collect = (tr: Y.Transaction) => {
				for (const type of tr.changed.keys()) for (const id of noteIdsOf(doc, type, tr.changed.get(type)!)) touched.add(id);
			};
			doc.on('afterTransaction', collect);
			Y.applyUpdate(doc, entry.data);
			doc.off('afterTransaction', collect);
			const hidden = board.hidden.ofLane(lane);
			const changed: NotePatch[] = [];
			const removed: { lane: LaneKey; id: string }[] = [];
			for (const id of touched) {
				if (hidden?.has(id)) continue;
				const note = notesMap(doc).get(id);
				const key = `${lane}\u0000${id}`;
				if (note instanceof Y.Map) {
					const after = withoutHiddenCites(board, this.noteView(lane, doc, id, note));
					const before = shown.get(key);
					shown.set(key, after);
					const patch = before ? diff(before, after) : { v: after };
					if (patch) changed.push({ lane, id, patch });
				} else {
					shown.delete(key);
					removed.push({ lane, id });
				}
			}
			// A change of notes hidden now is left out altogether: its time and author would point at them.
			if (touched.size > 0 && [...touched].every((id) => hidden?.has(id))) continue;
			const step = { seq: entry.seq, changed, removed };
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
		const board = await this.boardDocs(practiceId, boardId);
		return compareViews(await this.viewOf(board, from), await this.viewOf(board, to));
	}

	/**
	 * Brings the collective lane back to how it was at `seq`, as a new change
	 * by `by`: nothing in the log is rewritten, so clients and offline copies
	 * merge it like any other edit. Individual lanes belong to their authors
	 * and are left alone. Returns the restore's mark.
	 */
	async restore(practiceId: PracticeId, boardId: BoardId, seq: number, by: MemberId, name: string): Promise<MarkRecord> {
		await this.boardDocs(practiceId, boardId);
		const docName = collectiveDoc(practiceId, boardId);
		const past = await this.docAt(docName, seq);
		const connection = await this.deps.openDirect(docName, { memberId: by });
		try {
			await connection.transact((live) => restoreNotes(past, live));
		} finally {
			await connection.disconnect();
			past.destroy();
		}
		return this.mark(practiceId, { kind: 'restore', name, boardId, meetingId: null, createdBy: by });
	}

	// --- New since your last visit -------------------------------------------

	/**
	 * Notes of a board added or changed (text, place, colour, lane) since the
	 * member last looked at it: everything they may see, except their own lane.
	 * A member who never opened the board has everything new.
	 */
	async news(practiceId: PracticeId, boardId: BoardId, memberId: MemberId): Promise<News> {
		const board = await this.boardDocs(practiceId, boardId);
		const since = (await this.deps.storage.records.visits.of(memberId)).get(boardId) ?? 0;
		return this.newsOf(board, since, memberId);
	}

	/** For the overview: per board, how many notes are new or changed for this member. */
	async newsCounts(practiceId: PracticeId, memberId: MemberId): Promise<Record<string, number>> {
		const practice = readPractice(await this.deps.readDocument(practiceDoc(practiceId)));
		const visits = await this.deps.storage.records.visits.of(memberId);
		const counts: Record<string, number> = {};
		for (const aspect of practice.framework ? boardsOf(practice.framework) : []) {
			const board = await this.boardDocs(practiceId, aspect.id as BoardId, practice);
			counts[aspect.id] = (await this.newsOf(board, visits.get(aspect.id) ?? 0, memberId)).notes.length;
		}
		return counts;
	}

	/** The member has seen the board as it is now. */
	async markSeen(practiceId: PracticeId, boardId: BoardId, memberId: MemberId): Promise<number> {
		await this.boardDocs(practiceId, boardId);
		await this.deps.whenStored();
		const head = await this.deps.storage.log.headSeq();
		await this.deps.storage.records.visits.mark(memberId, boardId, head, Date.now());
		return head;
	}

	/**
	 * What changed since `since`, less the member's own work: their lane, and
	 * notes nobody else touched since (found by replaying what happened, when it
	 * is at most MAX_STEPS changes; beyond that every change counts).
	 */
	private async newsOf(board: GroupBoard, since: number, memberId: MemberId): Promise<News> {
		const head = await this.deps.storage.log.headSeq();
		const entries = await this.deps.storage.log.history([...board.lanes.keys()], { after: since, upTo: head });
		const byOthers = entries.filter((e) => e.memberId !== memberId);
		if (byOthers.length === 0) return { since, head, notes: [] };
		let touchedByOthers: Set<string> | null = null;
		if (entries.length <= MAX_STEPS) {
			const withData = await this.deps.storage.log.updatesBetween([...board.lanes.keys()], since, head);
			const others = new Set(byOthers.map((e) => e.seq));
			const { steps } = await this.replayOf(board, since, withData);
			touchedByOthers = new Set();
			for (const step of steps) {
				if (!others.has(step.seq)) continue;
				for (const n of step.changed) touchedByOthers.add(n.id);
				for (const n of step.removed) touchedByOthers.add(n.id);
			}
		}
		const diff = compareViews(await this.viewOf(board, since), await this.viewOf(board, head));
		const mine = memberLane(memberId);
		const notes = new Map<string, NewNote>();
		for (const n of diff.added) notes.set(n.id, { lane: n.lane, id: n.id, kind: 'added' });
		for (const c of diff.changed) notes.set(c.after.id, { lane: c.after.lane, id: c.after.id, kind: 'changed' });
		for (const m of diff.movedLanes) if (!notes.has(m.note.id)) notes.set(m.note.id, { lane: m.to, id: m.note.id, kind: 'changed' });
		const news = [...notes.values()].filter((n) => n.lane !== mine && (touchedByOthers === null || touchedByOthers.has(n.id)));
		return { since, head, notes: news };
	}

	// --- Meetings and named moments -----------------------------------------

	async startMeeting(
		practiceId: PracticeId,
		input: { title: string; date: string; agenda: readonly string[] },
		by: MemberId
	): Promise<{ meeting: MeetingRecord; mark: MarkRecord }> {
		const meetings = await this.deps.storage.records.meetings.list(practiceId);
		if (meetings.some((m) => m.endedAt === null)) throw new ServiceError('meeting-running', 'A meeting is already running: end it first.');
		const meeting: MeetingRecord = { id: randomId(12), practiceId, ...input, agenda: [...input.agenda], startedAt: Date.now(), endedAt: null };
		await this.deps.storage.records.meetings.create(meeting);
		const mark = await this.mark(practiceId, { kind: 'meeting-start', name: input.title, boardId: null, meetingId: meeting.id, createdBy: by });
		return { meeting, mark };
	}

	/** Ends a meeting: a named snapshot of every board. */
	async endMeeting(practiceId: PracticeId, meetingId: string, by: MemberId): Promise<{ meeting: MeetingRecord; mark: MarkRecord }> {
		const meeting = meetingOf(await this.deps.storage.records.meetings.get(meetingId));
		if (!meeting || meeting.practiceId !== practiceId) throw new ServiceError('not-found', 'No such meeting.');
		if (meeting.endedAt !== null) throw new ServiceError('no-meeting', 'This meeting has ended already.');
		const mark = await this.mark(practiceId, { kind: 'meeting-end', name: meeting.title, boardId: null, meetingId, createdBy: by });
		await this.deps.storage.records.meetings.end(meetingId, mark.at);
		return { meeting: { ...meeting, endedAt: mark.at }, mark };
	}

	async snapshot(practiceId: PracticeId, name: string, by: MemberId, boardId: BoardId | null = null): Promise<MarkRecord> {
		if (boardId) await this.boardDocs(practiceId, boardId);
		return this.mark(practiceId, { kind: 'snapshot', name, boardId, meetingId: null, createdBy: by });
	}

	async listMeetings(practiceId: PracticeId): Promise<MeetingRecord[]> {
		return meetingsOf(await this.deps.storage.records.meetings.list(practiceId));
	}

	async listMarks(practiceId: PracticeId): Promise<MarkRecord[]> {
		return marksOf(await this.deps.storage.records.marks.list(practiceId));
	}

	/** A mark at the log's head, once everything applied so far is in the log. */
	private async mark(
		practiceId: PracticeId,
		m: { kind: MarkKind; name: string; boardId: string | null; meetingId: string | null; createdBy: MemberId | null }
	): Promise<MarkRecord> {
		await this.deps.whenStored();
		// Marks are read in (seq, at) order: a mark made in the same millisecond as
		// the one before it (a meeting ended right after it started) must still come after it.
		const last = marksOf(await this.deps.storage.records.marks.list(practiceId)).at(-1);
		const at = Math.max(Date.now(), (last?.at ?? 0) + 1);
		const mark: MarkRecord = { id: randomId(12), practiceId, seq: await this.deps.storage.log.headSeq(), at, ...m };
		await this.deps.storage.records.marks.add(mark);
		return mark;
	}

	// --- Building past states ------------------------------------------------

	private async docsAt(board: GroupBoard, seq: number): Promise<Map<string, Y.Doc>> {
		const docs = new Map<string, Y.Doc>();
		const breathe = breather();
		for (const name of board.lanes.keys()) {
			await breathe();
			docs.set(name, await this.docAt(name, seq));
		}
		return docs;
	}

	/** A document exactly as the log had it at `seq`: nearest checkpoint, then the log forward. */
	private async docAt(name: string, seq: number): Promise<Y.Doc> {
		const state = await this.deps.storage.log.stateAt(name, seq);
		const doc = new Y.Doc();
		doc.transact(() => {
			if (state.checkpoint) Y.applyUpdateV2(doc, state.checkpoint);
			for (const u of state.updates) Y.applyUpdate(doc, u.data);
		});
		return doc;
	}

	/** A lane's notes; with `board`, without the ones hidden now. */
	private notesOf(board: GroupBoard | null, lane: LaneKey, doc: Y.Doc): NoteView[] {
		const hidden = board?.hidden.ofLane(lane);
		const out: NoteView[] = [];
		notesMap(doc).forEach((note, id) => {
			if (note instanceof Y.Map && !hidden?.has(id)) out.push(this.noteView(lane, doc, id, note));
		});
		return out;
	}

	/**
	 * A note as history shows it. A note longer than NOTE_VIEW_CHARS (only
	 * possible from before the note quota) is cut to its beginning, as plain
	 * paragraphs, and marked: every answer stays bounded per note.
	 */
	private noteView(lane: LaneKey, doc: Y.Doc, id: string, note: Y.Map<unknown>): NoteView {
		const data = toNoteData(id, note);
		const fragment = noteContent(doc, data.id);
		const text = plainText(fragment);
		let content = text.length > NOTE_VIEW_CHARS ? null : yXmlFragmentToProsemirrorJSON(fragment);
		if (content && JSON.stringify(content).length > 4 * NOTE_VIEW_CHARS) content = null;
		const shown = content ? text : text.slice(0, NOTE_VIEW_CHARS);
		return {
			id,
			lane,
			content: content ?? plainContent(shown),
			...(content ? {} : { truncated: true as const }),
			text: shown,
			color: data.color,
			x: data.x,
			y: data.y,
			// The anonymous lane's notes carry no author and a day-rounded time already; keep them so.
			createdAt: lane === 'anonymous' ? null : data.createdAt,
			createdBy: lane === 'anonymous' ? null : data.createdBy,
			loop: data.loop,
			cites: data.cites
		};
	}
}

/** Lets the event loop run once the work since the last pause has held it for SLICE_MS. */
function breather(): () => Promise<void> {
	let since = performance.now();
	return async () => {
		if (performance.now() - since < SLICE_MS) return;
		await nextTurn();
		since = performance.now();
	};
}

/** Plain text as ProseMirror JSON: one paragraph per line. */
function plainContent(text: string): NoteView['content'] {
	return {
		type: 'doc',
		content: text.split('\n').map((line) => (line ? { type: 'paragraph', content: [{ type: 'text', text: line }] } : { type: 'paragraph' }))
	};
}

/** Yjs types a transaction's changed map by AbstractType<YEvent<any>>; only the item links matter here. */
type Changed = Parameters<Y.Transaction['changed']['get']>[0];

/** Which notes a transaction's changed type belongs to. */
function noteIdsOf(doc: Y.Doc, type: Changed, keys: Set<string | null>): string[] {
	const notes: unknown = notesMap(doc);
	if (type === notes) return [...keys].filter((k): k is string => k !== null);
	let t: Changed | null = type;
	while (t?._item) {
		const parent = t._item.parent as Changed | null;
		if (parent === notes) return t._item.parentSub ? [t._item.parentSub] : [];
		t = parent;
	}
	return [];
}

/** A note's place in board units as it was (absent for notes from before them). */
function restorePlace(current: Y.Map<unknown>, data: ReturnType<typeof toNoteData>): void {
	for (const [key, v] of [['px', data.px], ['py', data.py]] as const) {
		if (v === null) {
			if (current.has(key)) current.delete(key);
		} else if (current.get(key) !== v) current.set(key, v);
	}
}

/** Makes `live`'s notes what `past` had, changing only what differs. */
function restoreNotes(past: Y.Doc, live: Y.Doc): void {
	const pastNotes = notesMap(past);
	const liveNotes = notesMap(live);
	for (const id of [...liveNotes.keys()]) if (!pastNotes.has(id)) liveNotes.delete(id);
	pastNotes.forEach((note, id) => {
		if (!(note instanceof Y.Map)) return;
		const data = toNoteData(id, note);
		const nodes = noteContent(past, data.id).toArray() as (Y.XmlElement | Y.XmlText)[];
		const current = liveNotes.get(id);
		if (!(current instanceof Y.Map)) {
			createNote(live, { id: data.id, color: data.color, x: data.x, y: data.y, createdBy: data.createdBy, at: data.createdAt, cites: data.cites, loop: data.loop, nodes });
			restorePlace(liveNotes.get(id) as Y.Map<unknown>, data);
			return;
		}
		const now = toNoteData(id, current);
		if (now.color !== data.color) current.set('color', data.color);
		if (now.x !== data.x) current.set('x', data.x);
		if (now.y !== data.y) current.set('y', data.y);
		restorePlace(current, data);
		if (now.loop !== data.loop) {
			if (data.loop) current.set('loop', data.loop);
			else current.delete('loop');
		}
		const cites = current.get('cites');
		if (cites instanceof Y.Array && JSON.stringify(cites.toArray()) !== JSON.stringify(data.cites)) {
			cites.delete(0, cites.length);
			cites.push([...data.cites]);
		}
		const fragment = noteContent(live, data.id);
		if (JSON.stringify(yXmlFragmentToProsemirrorJSON(fragment)) !== JSON.stringify(yXmlFragmentToProsemirrorJSON(noteContent(past, data.id)))) {
			fragment.delete(0, fragment.length);
			fragment.insert(0, nodes.map((n) => n.clone()));
		}
	});
}
