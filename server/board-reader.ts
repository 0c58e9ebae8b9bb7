import { boardDocuments, countableSpan, groupDocuments, HiddenNotes, type BoardDocument, type Span } from '#lib/domain/board-docs.ts';
import { practiceDoc } from '#lib/domain/docnames.ts';
import type { BoardId, MemberId, PracticeId } from '#lib/domain/ids.ts';
import type { LaneKey } from '#lib/domain/history.ts';
import { notesMap } from '#lib/domain/notes.ts';
import { findBoard, readPractice, type MemberInfo, type PracticeInfo } from '#lib/domain/practice.ts';
import type { Aspect } from '#lib/domain/frameworks.ts';
import { dayOf } from '#lib/domain/visibility.ts';
import { countCreated } from '#lib/domain/windows.ts';
import { ServiceError } from './errors.ts';
import type { ServiceContext } from './service-context.ts';

/** A board as the group may read it: its group documents and the notes hidden from the group now. */
export interface GroupBoard {
	readonly practiceId: PracticeId;
	readonly boardId: BoardId;
	readonly aspect: Aspect;
	/** Everyone in the practice document, also members who left with their lane kept. */
	readonly members: readonly MemberInfo[];
	/** Document name → lane, for the documents every member reads (never a private document). */
	readonly lanes: ReadonlyMap<string, LaneKey>;
	/** The group documents in reading order: the collective lane, the anonymous notes, the members' lanes. */
	readonly documents: readonly Exclude<BoardDocument, { kind: 'private' }>[];
	readonly hidden: HiddenNotes;
}

/** Per member, how many notes they created: counts only, no content, no note ids. */
export type MemberCounts = readonly { readonly id: MemberId; readonly count: number }[];

/**
 * The one way the server reads a board for anyone but a note's author:
 * export, history, report, news and the facilitator's counts all start here,
 * so the visibility rules are applied in one place: private never; anonymous
 * without author or time; an individual note hidden now is left out
 * everywhere, citations of it too (HiddenNotes); a private document counted
 * only by whole past days (countableSpan).
 */
export class BoardReader {
	private readonly ctx: ServiceContext;
	/** Private document → its note ids, with the document version they were read at. */
	private readonly privateIds = new Map<string, { key: string; ids: ReadonlySet<string> }>();
	/** Private-document counts of the day they were taken on, by document and span (see `created`). */
	private daily = { day: Number.NaN, counts: new Map<string, number>() };

	constructor(ctx: ServiceContext) {
		this.ctx = ctx;
	}

	/** The board, or `not-found` when the practice's framework has no such board. */
	async board(practiceId: PracticeId, boardId: BoardId, known?: PracticeInfo): Promise<GroupBoard> {
		const practice = known ?? readPractice(await this.ctx.documents.read(practiceDoc(practiceId)));
		const aspect = practice.framework ? findBoard(practice.framework, boardId) : undefined;
		if (!aspect) throw new ServiceError('not-found', 'No such board.');
		const all = boardDocuments(practiceId, boardId, practice.members);
		const hidden = new Map<string, ReadonlySet<string>>();
		for (const d of all) if (d.kind === 'private') hidden.set(d.owner.id, await this.noteIds(d.name));
		const documents = groupDocuments(all);
		return {
			practiceId,
			boardId,
			aspect,
			members: practice.members,
			lanes: new Map(documents.map((d) => [d.name, d.lane])),
			documents,
			hidden: new HiddenNotes(hidden)
		};
	}

	/**
	 * Per member with a lane (observers and removed members left out, in
	 * joining order), how many notes they created on the board in `span`: in
	 * their shared lane, in their private document (private and anonymous notes
	 * alike, one number) and in the collective lane. A private document counts
	 * within its `countableSpan` only, and is read on the first request of a
	 * day and kept until the next, so neither a new note nor a deleted one
	 * moves the number within the day.
	 */
	async created(practiceId: PracticeId, boardId: BoardId, span: Span, now = Date.now(), known?: PracticeInfo): Promise<MemberCounts> {
		const practice = known ?? readPractice(await this.ctx.documents.read(practiceDoc(practiceId)));
		const counted = practice.members.filter((m) => m.role !== 'observer' && !m.removed);
		const counts = new Map(counted.map((m) => [m.id, 0]));
		for (const d of boardDocuments(practiceId, boardId, counted)) {
			if (d.kind === 'anonymous') continue; // no authors: its notes count in their private documents
			const { from, to } = countableSpan(d, span, now);
			if (d.kind === 'collective') {
				const doc = await this.ctx.documents.read(d.name);
				for (const [id, n] of counts) counts.set(id, n + countCreated(doc, id, from, to));
			} else {
				const n = d.kind === 'private' ? await this.dailyCount(d.name, d.owner.id, from, to, now) : countCreated(await this.ctx.documents.read(d.name), d.owner.id, from, to);
				counts.set(d.owner.id, counts.get(d.owner.id)! + n);
			}
		}
		return [...counts].map(([id, count]) => ({ id, count }));
	}

	private async dailyCount(name: string, member: MemberId, from: number, to: number, now: number): Promise<number> {
		const today = dayOf(now);
		if (this.daily.day !== today) this.daily = { day: today, counts: new Map() };
		const key = `${name}:${from}:${to}`;
		let count = this.daily.counts.get(key);
		if (count === undefined) {
			count = from < to ? countCreated(await this.ctx.documents.read(name), member, from, to) : 0;
			this.daily.counts.set(key, count);
		}
		return count;
	}

	/** The ids of the notes in a private document now, read again only when it has changed. */
	private async noteIds(name: string): Promise<ReadonlySet<string>> {
		const version = await this.ctx.storage.log.versionAt(name, Number.MAX_SAFE_INTEGER);
		const key = `${version.seq}:${version.count}`;
		const known = this.privateIds.get(name);
		if (known?.key === key) return known.ids;
		const ids = new Set(notesMap(await this.ctx.documents.read(name)).keys());
		this.privateIds.delete(name);
		this.privateIds.set(name, { key, ids });
		if (this.privateIds.size > 10_000) this.privateIds.delete(this.privateIds.keys().next().value!);
		return ids;
	}
}
