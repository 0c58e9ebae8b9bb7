import type { BoardId, MemberId, PracticeId } from '#lib/domain/ids.ts';
import { boardsOf, readPractice } from '#lib/domain/practice.ts';
import { practiceDoc } from '#lib/domain/docnames.ts';
import { parseCitationRef } from '#lib/domain/notes.ts';
import type { LaneKey } from '#lib/domain/history.ts';
import { chapterAt, chaptersOf, cutChapters, type BoardFigures, type Chapter, type ChapterFigures, type Figures, type Lineage, type LogRange } from '#lib/domain/figures.ts';
import type { BoardReader, GroupBoard } from './board-reader.ts';
import type { Meetings } from './meetings.ts';
import { ServiceError } from './errors.ts';
import type { ServiceContext } from './service-context.ts';
import { Folds, type Fold } from './folds.ts';
import { lineageOf } from './lineage.ts';

/** Per chapter, the ids of the notes changed (during the meeting, between meetings, at all), per question and per member. */
interface Counted {
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

/** Countings kept per fold: the overview's chapters and a few reports' ranges (least recently used goes first). */
const KEPT_COUNTINGS = 4;

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
	private readonly folds: Folds;
	/** Each fold's entries counted per chapter, by the chapters' bounds, kept as long as the fold is. */
	private readonly counts = new WeakMap<Fold, Map<string, Counted>>();

	constructor(ctx: ServiceContext, reader: BoardReader, meetings: Meetings) {
		this.ctx = ctx;
		this.reader = reader;
		this.meetings = meetings;
		this.folds = new Folds(ctx.storage.log);
	}

	async chapters(practiceId: PracticeId): Promise<Chapter[]> {
		return chaptersOf(await this.meetings.listMarks(practiceId));
	}

	/**
	 * Every board's figures; `viewer`'s own figures beside the group's when
	 * given. With a `range` (a report's), only the chapters inside it, each cut
	 * to it: the time before a meeting that the range starts with is left out.
	 */
	async figures(practiceId: PracticeId, viewer: MemberId | null, range?: LogRange): Promise<Figures> {
		return this.oneAtATime(() => this.figuresNow(practiceId, viewer, range));
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

	private async figuresNow(practiceId: PracticeId, viewer: MemberId | null, range?: LogRange): Promise<Figures> {
		const practice = readPractice(await this.ctx.documents.read(practiceDoc(practiceId)));
		if (!practice.framework) throw new ServiceError('not-found', 'No framework.');
		const head = await this.ctx.storage.log.headSeq();
		// A range up to now is open-ended: it shares its countings with the overview's, and the log may grow meanwhile.
		const upTo = range && range.to !== null && range.to < head ? range.to : null;
		const cut = range ? cutChapters(await this.chapters(practiceId), { from: range.from, to: upTo }) : null;
		const chapters = cut?.chapters ?? (await this.chapters(practiceId));
		// A chapter that starts where such a range ends (the time after a meeting that just ended) holds nothing of it.
		const inside = cut?.inside.filter((i, k) => k === 0 || range!.to === null || chapters[i].from < range!.to);
		const boards: BoardFigures[] = [];
		for (const aspect of boardsOf(practice.framework)) {
			const board = await this.reader.board(practiceId, aspect.id as BoardId, practice);
			boards.push(await this.boardFigures(board, chapters, head, viewer));
		}
		if (!inside) return { chapters, boards, head };
		const pick = <T>(all: readonly T[]) => inside.map((i) => all[i]);
		return { chapters: pick(chapters), boards: boards.map((b) => ({ ...b, chapters: pick(b.chapters) })), head };
	}

	/**
	 * One document's entries counted per chapter, kept with its fold: only
	 * entries folded since the last request are added, unless the chapters
	 * changed (a meeting started or ended, a report of another range), when
	 * they are counted again once.
	 */
	private counted(fold: Fold, chapters: readonly Chapter[]): Counted {
		const key = chapters.map((c) => `${c.from}-${c.start}-${c.to}`).join(',');
		let kept = this.counts.get(fold);
		if (!kept) this.counts.set(fold, (kept = new Map()));
		const counted = kept.get(key) ?? { upTo: 0, chapters: chapters.map(() => emptyCounts()) };
		kept.delete(key);
		kept.set(key, counted);
		if (kept.size > KEPT_COUNTINGS) kept.delete(kept.keys().next().value!);
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
			const fold = await this.folds.fold(name, head);
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
		return this.oneAtATime(async () => {
			const board = await this.reader.board(practiceId, boardId);
			return lineageOf(this.ctx, this.folds, board, await this.chapters(practiceId), await this.ctx.storage.log.headSeq(), noteId);
		});
	}

	/** Forgets folded documents (the benchmark measures a cold start with it). */
	clear(): void {
		this.folds.clear();
	}
}
