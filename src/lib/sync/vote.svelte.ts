import { getContext, setContext } from 'svelte';
import type { VoteInfo } from '#lib/domain/activities.ts';
import { activityRequest } from './activities.ts';
import type { BoardState } from './board.svelte.ts';

/** What the server says of my dots (GET/POST …/activities/vote/mine|place|take). */
interface MyDotsAnswer {
	readonly id: string;
	readonly dots: number;
	readonly perNote: number;
	readonly left: number;
	readonly mine: Readonly<Record<string, number>>;
}

export type VoteProblem = 'noDotsLeft' | 'noteFull' | 'failed';

/**
 * The board's dot vote as this member sees it: the vote everyone sees (the
 * practice document's `vote` activity) and my own dots, which only the
 * server knows and only tells me. Totals exist only after the close, in the
 * activity's `result`.
 */
export class VoteState {
	private readonly boardOf: () => BoardState | null;
	/** My dots by note id, for the open vote `forVote`. */
	mine = $state.raw<ReadonlyMap<string, number>>(new Map());
	left = $state(0);
	busy = $state(false);
	problem = $state<VoteProblem | null>(null);
	/** The vote `mine` belongs to. */
	private forVote = $state<string | null>(null);

	/** `board`: the page's board, once it is open (the vote's parts show only then). */
	constructor(board: () => BoardState | null) {
		this.boardOf = board;
	}

	get board(): BoardState {
		const board = this.boardOf();
		if (!board) throw new Error('The board is not open yet.');
		return board;
	}

	/** The latest vote on the board (open or closed), or null. */
	get vote(): VoteInfo | null {
		return this.board.practice.activity('vote', this.board.boardId);
	}

	get open(): VoteInfo | null {
		const v = this.vote;
		return v && v.closedAt === null ? v : null;
	}

	/** The closed vote's result, or null. */
	get result(): VoteInfo | null {
		const v = this.vote;
		return v && v.closedAt !== null && v.result ? v : null;
	}

	/** Members vote; observers watch. */
	get canVote(): boolean {
		return this.board.me.role !== 'observer';
	}

	/** Rank (1-based, ties share a rank) and total of a note in the closed vote. */
	standing(noteId: string): { rank: number; total: number } | null {
		const result = this.result?.result;
		const i = result?.findIndex((r) => r.noteId === noteId) ?? -1;
		if (!result || i < 0) return null;
		const total = result[i].total;
		return { rank: result.findIndex((r) => r.total === total) + 1, total };
	}

	myDotsOn(noteId: string): number {
		return this.open && this.forVote === this.open.id ? (this.mine.get(noteId) ?? 0) : 0;
	}

	/** Asks for my dots when a vote opens (or on coming back to the board). */
	async refresh(): Promise<void> {
		const open = this.open;
		if (!open || !this.canVote) return;
		const res = await activityRequest(this.board, 'vote', { action: 'mine', method: 'GET' }).catch(() => null);
		if (res?.ok) this.take((await res.json()) as MyDotsAnswer);
		else if (this.forVote !== open.id) this.left = open.dots;
	}

	place(noteId: string): Promise<void> {
		return this.change('place', noteId);
	}

	takeBack(noteId: string): Promise<void> {
		return this.change('take', noteId);
	}

	private async change(action: 'place' | 'take', noteId: string): Promise<void> {
		this.busy = true;
		this.problem = null;
		try {
			const res = await activityRequest(this.board, 'vote', { action, body: { noteId } });
			if (res.ok) this.take((await res.json()) as MyDotsAnswer);
			else {
				const code = ((await res.json().catch(() => null)) as { code?: string } | null)?.code;
				this.problem = code === 'no-dots-left' ? 'noDotsLeft' : code === 'note-full' ? 'noteFull' : 'failed';
				void this.refresh();
			}
		} catch {
			this.problem = 'failed';
		} finally {
			this.busy = false;
		}
	}

	private take(answer: MyDotsAnswer): void {
		this.forVote = answer.id;
		this.mine = new Map(Object.entries(answer.mine));
		this.left = answer.left;
	}

	/** The facilitator opens a vote (N dots, at most M per note, minutes or no timer). */
	start(body: { dots: number; perNote: number; minutes: number | null }): Promise<Response> {
		return activityRequest(this.board, 'vote', { body });
	}

	close(): Promise<Response> {
		return activityRequest(this.board, 'vote', { method: 'DELETE' });
	}
}

const KEY = Symbol('vote');
export const setVoteContext = (state: VoteState): VoteState => setContext(KEY, state);
/** The board's vote state; undefined outside a board (a replay, a report). */
export const getVoteContext = (): VoteState | undefined => getContext<VoteState | undefined>(KEY);
