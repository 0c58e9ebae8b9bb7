import * as Y from 'yjs';
import type { BoardId, MemberId, PracticeId } from '#lib/domain/ids.ts';
import { boardsOf, readPractice } from '#lib/domain/practice.ts';
import { practiceDoc } from '#lib/domain/docnames.ts';
import { isQuestionIndex, notesMap, parseCitationRef, plainText, readNote, noteContent, type CitationRef } from '#lib/domain/notes.ts';
import { laneMember, type LaneKey } from '#lib/domain/history.ts';
import {
	chapterAt,
	chaptersOf,
	STEP_PAUSE_MS,
	type BoardFigures,
	type Chapter,
	type ChapterFigures,
	type Figures,
	type Lineage,
	type LineageSource,
	type LineageStep,
	type StepAuthor
} from '#lib/domain/figures.ts';
import type { BoardReader, GroupBoard } from './board-reader.ts';
import type { Meetings } from './meetings.ts';
import { ServiceError } from './errors.ts';
import type { ServiceContext } from './service-context.ts';
import { applyAndCollect, breather } from './past.ts';
import type { DocumentVersion } from './storage/types.ts';

/** One log entry of a group document, folded: who, when, and per note it touched, the question it answers after it. */
interface FoldedEntry {
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
interface Fold {
	/** Folded up to this log position. */
	seq: number;
	/** The document's version there (storage's versionAt): a different one later means its log was replaced. */
	version: DocumentVersion;
	readonly doc: Y.Doc;
	readonly lives: Map<string, [number, number | null][]>;
	readonly entries: FoldedEntry[];
	readonly cited: { seq: number; at: number; memberId: string | null; note: string; ref: CitationRef }[];
	readonly cites: Map<string, ReadonlySet<string>>;
	/** Its entries counted per chapter (see `counted`). */
	counted?: Counted;
}

/** Per chapter, the ids of the notes changed (during the meeting, between meetings, at all), per question and per member. */
interface Counted {
	readonly key: string;
	upTo: number;
	readonly chapters: ChapterCounts[];
}

interface ChapterCounts {
	readonly during: Set<string>;
	readonly between: Set<string>;
	readonly all: Set<string>;
	readonly questions: Map<number, Set<string>>;
	readonly mine: Map<string, { readonly during: Set<string>; readonly between: Set<string> }>;
}

const emptyCounts = (): ChapterCounts => ({ during: new Set(), between: new Set(), all: new Set(), questions: new Map(), mine: new Map() });

/** How many folded documents the server keeps (a board has a few; each is its live size plus a few numbers per change). */
const MAX_FOLDS = 2000;

/**
 * Figures of a practice's boards (notes per aspect and chapter, bring-ins,
 * activity during and between meetings, the questions worked on) and the
 * lineage of a collective note, from the update log.
 *
 * Privacy: everything comes through the board reader (`GroupBoard`): private
 * documents are never read, an individual note hidden now (private or
 * anonymous) is left out of every count, and citations of it too. Anonymous
 * notes are counted only in the group's totals, by log position, never by
 * time or author. Per-member figures are computed for the viewer alone.
 */
export class FigureService {
	private readonly ctx: ServiceContext;
	private readonly reader: BoardReader;
	private readonly meetings: Meetings;
	/** Folded documents, least recently used first (at most MAX_FOLDS). */
	private readonly folds = new Map<string, Fold>();

	constructor(ctx: ServiceContext, reader: BoardReader, meetings: Meetings) {
		this.ctx = ctx;
		this.reader = reader;
		this.meetings = meetings;
	}

	async chapters(practiceId: PracticeId): Promise<Chapter[]> {
		return chaptersOf(await this.meetings.listMarks(practiceId));
	}

	/** Every board's figures; `viewer`'s own figures beside the group's when given. */
	async figures(practiceId: PracticeId, viewer: MemberId | null): Promise<Figures> {
		return this.oneAtATime(() => this.figuresNow(practiceId, viewer));
	}

	/**
	 * Folds are read and extended across awaits: two requests extending the same
	 * fold at once would both apply its new entries (Yjs ignores the second
	 * time, so the counts hold, but the work is done twice). They take turns.
	 */
	private turn: Promise<unknown> = Promise.resolve();
	private oneAtATime<T>(work: () => Promise<T>): Promise<T> {
		const run = this.turn.then(work, work);
		this.turn = run.catch(() => {});
		return run;
	}

	private async figuresNow(practiceId: PracticeId, viewer: MemberId | null): Promise<Figures> {
		const practice = readPractice(await this.ctx.documents.read(practiceDoc(practiceId)));
		if (!practice.framework) throw new ServiceError('not-found', 'No framework.');
		const chapters = await this.chapters(practiceId);
		const head = await this.ctx.storage.log.headSeq();
		const boards: BoardFigures[] = [];
		for (const aspect of boardsOf(practice.framework)) {
			const board = await this.reader.board(practiceId, aspect.id as BoardId, practice);
			boards.push(await this.boardFigures(board, chapters, head, viewer));
		}
		return { chapters, boards, head };
	}

	/** A document folded up to the log's head, from where the last request left it. */
	private async fold(name: string, head: number): Promise<Fold> {
		const log = this.ctx.storage.log;
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

	/**
	 * One document's entries counted per chapter, kept with its fold: only
	 * entries folded since the last request are added, unless the chapters
	 * changed (a meeting started or ended), when they are counted again once.
	 */
	private counted(fold: Fold, chapters: readonly Chapter[]): Counted {
		const key = chapters.map((c) => `${c.from}-${c.start}-${c.to}`).join(',');
		if (fold.counted?.key !== key) fold.counted = { key, upTo: 0, chapters: chapters.map(() => emptyCounts()) };
		const counted = fold.counted;
		for (; counted.upTo < fold.entries.length; counted.upTo++) {
			const e = fold.entries[counted.upTo];
			const { chapter, during } = chapterAt(chapters, e.seq);
			const c = counted.chapters[chapter];
			let mine = e.memberId ? c.mine.get(e.memberId) : undefined;
			if (e.memberId && !mine) c.mine.set(e.memberId, (mine = { during: new Set(), between: new Set() }));
			e.notes.forEach((id, k) => {
				(during ? c.during : c.between).add(id);
				c.all.add(id);
				if (mine) (during ? mine.during : mine.between).add(id);
				const q = e.questions[k];
				if (q !== null) {
					let set = c.questions.get(q);
					if (!set) c.questions.set(q, (set = new Set()));
					set.add(id);
				}
			});
		}
		return counted;
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

	private async boardFigures(board: GroupBoard, chapters: readonly Chapter[], head: number, viewer: MemberId | null): Promise<BoardFigures> {
		const questionCount = board.aspect.questions.length;
		const figures = chapters.map(() => ({
			collective: 0,
			individual: 0,
			members: 0,
			anonymous: 0,
			during: 0,
			between: 0,
			touched: 0,
			questions: Array.from({ length: questionCount }, () => 0),
			mine: { notes: 0, broughtIn: 0, during: 0, between: 0 }
		}));
		const ends = chapters.map((c) => c.to ?? head);
		const mineLane = viewer ? (`lane:${viewer}` as LaneKey) : null;
		for (const [name, lane] of board.lanes) {
			const fold = await this.fold(name, head);
			const hidden = board.hidden.ofLane(lane);
			// A set's notes the group may see: hidden notes are few, so take them out by looking them up.
			const visible = (set: ReadonlySet<string> | undefined) => {
				if (!set) return 0;
				let n = set.size;
				for (const id of hidden) if (set.has(id)) n--;
				return n;
			};
			// (a) notes at each chapter's end.
			for (const [id, lives] of fold.lives) {
				if (hidden.has(id)) continue;
				ends.forEach((end, i) => {
					if (!lives.some(([from, to]) => from <= end && (to === null || to > end))) return;
					if (lane === 'collective') figures[i].collective++;
					else figures[i].individual++;
					if (lane === mineLane) figures[i].mine.notes++;
				});
			}
			// (c) notes changed, and the questions worked on; the viewer's own changes (never the anonymous lane's).
			this.counted(fold, chapters).chapters.forEach((c, i) => {
				const f = figures[i];
				f.during += visible(c.during);
				f.between += visible(c.between);
				f.touched += visible(c.all);
				for (let q = 0; q < questionCount; q++) f.questions[q] += visible(c.questions.get(q));
				const mine = viewer && lane !== 'anonymous' ? c.mine.get(viewer) : undefined;
				f.mine.during += visible(mine?.during);
				f.mine.between += visible(mine?.between);
			});
			// (b) bring-ins: citations added to collective notes, of notes the group may see.
			if (lane === 'collective') {
				for (const c of fold.cited) {
					if (!board.hidden.mayCite(c.ref)) continue;
					const f = figures[chapterAt(chapters, c.seq).chapter];
					const source = parseCitationRef(c.ref);
					if (!source?.memberId) f.anonymous++;
					else {
						f.members++;
						if (source.memberId === viewer) f.mine.broughtIn++;
					}
				}
			}
		}
		return {
			board: board.boardId,
			questions: questionCount,
			chapters: figures.map((f): ChapterFigures => {
				const out: ChapterFigures = {
					collective: f.collective,
					individual: f.individual,
					broughtIn: { members: f.members, anonymous: f.anonymous },
					changed: { during: f.during, between: f.between },
					touched: f.touched,
					questions: f.questions
				};
				return viewer ? { ...out, mine: f.mine } : out;
			})
		};
	}

	/**
	 * A collective note's lineage: the individual notes it cites (named lanes by
	 * member, anonymous as anonymous), and its steps — created, edited (one
	 * person's changes close together), brought into — with who, when and in
	 * which chapter. What the timeline shows of the collective lane, no more.
	 */
	async lineage(practiceId: PracticeId, boardId: BoardId, noteId: string): Promise<Lineage> {
		return this.oneAtATime(() => this.lineageNow(practiceId, boardId, noteId));
	}

	private async lineageNow(practiceId: PracticeId, boardId: BoardId, noteId: string): Promise<Lineage> {
		const board = await this.reader.board(practiceId, boardId);
		const chapters = await this.chapters(practiceId);
		const head = await this.ctx.storage.log.headSeq();
		const collective = [...board.lanes].find(([, lane]) => lane === 'collective')![0];
		const fold = await this.fold(collective, head);
		if (!fold.lives.has(noteId)) throw new ServiceError('not-found', 'No such collective note.');
		const names = new Map(board.members.map((m) => [m.id as string, m.name]));
		// A member who left is "someone": their id may still be in what was folded before they left, but is not shown.
		const author = (memberId: string | null): StepAuthor => (!memberId ? null : names.get(memberId) ? { memberId, name: names.get(memberId)! } : { memberId: '', name: '' });

		// Sources: every citation the note ever gained that the group may see, in order.
		const docOfLane = new Map([...board.lanes].map(([name, lane]) => [lane, name]));
		const sources: LineageSource[] = [];
		const sourceIndex = new Map<string, number>();
		for (const c of fold.cited) {
			if (c.note !== noteId || !board.hidden.mayCite(c.ref) || sourceIndex.has(c.ref)) continue;
			sourceIndex.set(c.ref, sources.length);
			sources.push(await this.source(board, c.ref, docOfLane, names));
		}

		const steps: LineageStep[] = [];
		const bringIns = new Map(fold.cited.filter((c) => c.note === noteId && sourceIndex.has(c.ref)).map((c) => [c.seq, c]));
		const lives = fold.lives.get(noteId)!;
		for (const e of fold.entries) {
			if (!e.notes.includes(noteId)) continue;
			const where = chapterAt(chapters, e.seq);
			const born = lives.some(([from]) => from === e.seq);
			const died = lives.some(([, to]) => to === e.seq);
			const cite = bringIns.get(e.seq);
			const anonymous = cite ? !parseCitationRef(cite.ref)?.memberId : false;
			const by: StepAuthor = anonymous && !e.memberId ? 'anonymous' : author(e.memberId);
			const kind: LineageStep['kind'] = died ? 'removed' : cite ? 'brought-in' : born ? 'created' : 'edited';
			const last = steps.at(-1);
			if (
				kind === 'edited' &&
				last &&
				(last.kind === 'edited' || last.kind === 'created') &&
				sameAuthor(last.by, by) &&
				last.at !== null &&
				e.at - last.at < STEP_PAUSE_MS
			) {
				steps[steps.length - 1] = { ...last, seq: e.seq, at: e.at };
				continue;
			}
			steps.push({
				kind: born && cite ? 'brought-in' : kind,
				from: e.seq,
				seq: e.seq,
				// A step by the anonymous lane's way in carries no time, as its changes do not.
				at: by === 'anonymous' ? null : e.at,
				by,
				chapter: where.chapter,
				during: where.during,
				...(cite ? { source: sourceIndex.get(cite.ref)! } : {})
			});
		}
		const note = notesMap(fold.doc).get(noteId);
		const text = note instanceof Y.Map ? plainText(noteContent(fold.doc, noteId as never)) : null;
		return { id: noteId, text, sources, steps, chapters };
	}

	/** An individual note a collective note cites, as the group may see it now. */
	private async source(board: GroupBoard, ref: CitationRef, docOfLane: ReadonlyMap<LaneKey, string>, names: ReadonlyMap<string, string>): Promise<LineageSource> {
		const c = parseCitationRef(ref)!;
		const lane: LaneKey = c.memberId ? (`lane:${c.memberId}` as LaneKey) : 'anonymous';
		const name = docOfLane.get(lane);
		const doc = name ? await this.ctx.documents.read(name) : null;
		const text = doc && readNote(doc, c.noteId) ? plainText(noteContent(doc, c.noteId)) : null;
		const member = laneMember(lane);
		return { ref, kind: c.memberId ? 'member' : 'anonymous', name: member ? (names.get(member) ?? null) : null, text };
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

function sameAuthor(a: StepAuthor, b: StepAuthor): boolean {
	if (a === null || b === null || a === 'anonymous' || b === 'anonymous') return a === b;
	return a.memberId === b.memberId;
}
