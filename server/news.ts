import { practiceDoc } from '#lib/domain/docnames.ts';
import type { BoardId, MemberId, PracticeId } from '#lib/domain/ids.ts';
import { boardsOf, readPractice } from '#lib/domain/practice.ts';
import { compareViews, memberLane, type LaneKey } from '#lib/domain/history.ts';
import type { BoardReader, GroupBoard } from './board-reader.ts';
import type { ServiceContext } from './service-context.ts';
import { MAX_STEPS, type Timeline } from './timeline.ts';

export interface NewNote {
	readonly lane: LaneKey;
	readonly id: string;
	readonly kind: 'added' | 'changed';
}

export interface BoardNews {
	/** The log position the member had seen up to (0: never opened the board). */
	readonly since: number;
	readonly head: number;
	readonly notes: readonly NewNote[];
}

/**
 * "New since your last visit": per member and board, the notes others added
 * or changed since the member last looked. Read through the timeline, so it
 * shows only what the group may see now (the timeline's privacy rules).
 */
export class News {
	private readonly ctx: ServiceContext;
	private readonly reader: BoardReader;
	private readonly timeline: Timeline;

	constructor(ctx: ServiceContext, reader: BoardReader, timeline: Timeline) {
		this.ctx = ctx;
		this.reader = reader;
		this.timeline = timeline;
	}

	/**
	 * Notes of a board added or changed (text, place, colour, lane) since the
	 * member last looked at it: everything they may see, except their own lane.
	 * A member who never opened the board has everything new.
	 */
	async news(practiceId: PracticeId, boardId: BoardId, memberId: MemberId): Promise<BoardNews> {
		const board = await this.reader.board(practiceId, boardId);
		const since = (await this.ctx.storage.records.visits.of(memberId)).get(boardId) ?? 0;
		return this.newsOf(board, since, memberId);
	}

	/** For the overview: per board, how many notes are new or changed for this member. */
	async newsCounts(practiceId: PracticeId, memberId: MemberId): Promise<Record<string, number>> {
		const practice = readPractice(await this.ctx.documents.read(practiceDoc(practiceId)));
		const visits = await this.ctx.storage.records.visits.of(memberId);
		const counts: Record<string, number> = {};
		for (const aspect of practice.framework ? boardsOf(practice.framework) : []) {
			const board = await this.reader.board(practiceId, aspect.id as BoardId, practice);
			counts[aspect.id] = (await this.newsOf(board, visits.get(aspect.id) ?? 0, memberId)).notes.length;
		}
		return counts;
	}

	/** The member has seen the board as it is now. */
	async markSeen(practiceId: PracticeId, boardId: BoardId, memberId: MemberId): Promise<number> {
		await this.reader.board(practiceId, boardId);
		await this.ctx.documents.whenStored();
		const head = await this.ctx.storage.log.headSeq();
		await this.ctx.storage.records.visits.mark(memberId, boardId, head, Date.now());
		return head;
	}

	/**
	 * What changed since `since`, less the member's own work: their lane, and
	 * notes nobody else touched since (found by replaying what happened, when it
	 * is at most MAX_STEPS changes; beyond that every change counts).
	 */
	private async newsOf(board: GroupBoard, since: number, memberId: MemberId): Promise<BoardNews> {
		const head = await this.ctx.storage.log.headSeq();
		const entries = await this.ctx.storage.log.history([...board.lanes.keys()], { after: since, upTo: head });
		const byOthers = entries.filter((e) => e.memberId !== memberId);
		if (byOthers.length === 0) return { since, head, notes: [] };
		let touchedByOthers: Set<string> | null = null;
		if (entries.length <= MAX_STEPS) {
			const withData = await this.ctx.storage.log.updatesBetween([...board.lanes.keys()], since, head);
			const others = new Set(byOthers.map((e) => e.seq));
			const { steps } = await this.timeline.replayOf(board, since, withData);
			touchedByOthers = new Set();
			for (const step of steps) {
				if (!others.has(step.seq)) continue;
				for (const n of step.changed) touchedByOthers.add(n.id);
				for (const n of step.removed) touchedByOthers.add(n.id);
			}
		}
		const diff = compareViews(await this.timeline.viewOf(board, since), await this.timeline.viewOf(board, head));
		const mine = memberLane(memberId);
		const notes = new Map<string, NewNote>();
		for (const n of diff.added) notes.set(n.id, { lane: n.lane, id: n.id, kind: 'added' });
		for (const c of diff.changed) notes.set(c.after.id, { lane: c.after.lane, id: c.after.id, kind: 'changed' });
		for (const m of diff.movedLanes) if (!notes.has(m.note.id)) notes.set(m.note.id, { lane: m.to, id: m.note.id, kind: 'changed' });
		const news = [...notes.values()].filter((n) => n.lane !== mine && (touchedByOthers === null || touchedByOthers.has(n.id)));
		return { since, head, notes: news };
	}
}
