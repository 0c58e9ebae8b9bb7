import type { BoardState } from '#lib/sync/board.svelte.ts';
import type { MemberId } from '#lib/domain/ids.ts';
import type { LaneKey } from '#lib/domain/lanes.ts';
import { runningPresentation } from '#lib/domain/activities.ts';
import { activityRequest } from '#lib/sync/activities.ts';

/** Why I follow someone: I chose to, or a presentation brought me (it ends, I stop). */
type Reason = 'chosen' | 'presentation';

const followKey = (practiceId: string) => `zwerm:follow:${practiceId}`;
const steppedOutKey = (practiceId: string) => `zwerm:stepped-out:${practiceId}`;
const jumpKey = (practiceId: string) => `zwerm:jump:${practiceId}`;

function read(key: string): string | null {
	try {
		return sessionStorage.getItem(key);
	} catch {
		return null;
	}
}

function write(key: string, value: string | null): void {
	try {
		if (value === null) sessionStorage.removeItem(key);
		else sessionStorage.setItem(key, value);
	} catch {
		// Not kept across boards; the page still follows.
	}
}

/**
 * Following on a board page (tldraw's startFollowingUser, Excalidraw's follow
 * mode): whom I follow and why, kept for this tab across boards (following
 * someone to another board opens that board's page), the running
 * presentation ("bring everyone here") and whether I stepped out of it.
 */
export class FollowUi {
	readonly board: BoardState;
	private reason: Reason | null = null;
	/** The presentation I stepped out of (its start), for this tab. */
	steppedOut = $state<number | null>(null);

	readonly presentation = $derived.by(() => runningPresentation(this.board.practice.info.activities));
	readonly presenter = $derived.by(() => this.presentation?.presenter ?? null);
	readonly presenterName = $derived.by(() => this.board.practice.memberName(this.presenter));
	readonly presenting = $derived.by(() => this.presenter === this.board.me.id);

	constructor(board: BoardState) {
		this.board = board;
		const practiceId = board.practiceId;
		const stored = read(followKey(practiceId));
		if (stored) {
			try {
				const { memberId, reason } = JSON.parse(stored) as { memberId: MemberId; reason: Reason };
				this.reason = reason;
				board.presence.follow(memberId);
			} catch {
				write(followKey(practiceId), null);
			}
		}
		const out = Number(read(steppedOutKey(practiceId)));
		this.steppedOut = Number.isFinite(out) && out > 0 ? out : null;
	}

	get following(): MemberId | null {
		return this.board.presence.following;
	}

	get followedName(): string | null {
		return this.board.presence.followedName ?? this.board.practice.memberName(this.following);
	}

	follow(memberId: MemberId, reason: Reason = 'chosen'): void {
		this.board.presence.follow(memberId);
		if (this.board.presence.following !== memberId) return;
		this.reason = reason;
		write(followKey(this.board.practiceId), JSON.stringify({ memberId, reason }));
	}

	/** I stop following (a button, Escape, a pan or zoom of my own); out of a presentation, I stay out of it. */
	stop(): void {
		if (!this.following) return;
		if (this.presentation && this.following === this.presenter) {
			this.steppedOut = this.presentation.startedAt;
			write(steppedOutKey(this.board.practiceId), String(this.steppedOut));
		}
		this.board.presence.unfollow();
		this.reason = null;
		write(followKey(this.board.practiceId), null);
	}

	/** Back into the presentation ("Weer volgen"). */
	rejoin(): void {
		if (!this.presenter) return;
		this.steppedOut = null;
		write(steppedOutKey(this.board.practiceId), null);
		this.follow(this.presenter as MemberId, 'presentation');
	}

	/**
	 * What the presentation asks of this page, run whenever it or whom I follow
	 * changes: follow the presenter unless I stepped out of this presentation
	 * or present myself; stop when it ends, if it was what brought me.
	 */
	sync(): void {
		const p = this.presentation;
		if (p && p.presenter !== this.board.me.id && this.steppedOut !== p.startedAt && this.following !== p.presenter) {
			this.follow(p.presenter as MemberId, 'presentation');
		} else if (!p && this.reason === 'presentation' && this.following) {
			this.board.presence.unfollow();
			this.reason = null;
			write(followKey(this.board.practiceId), null);
		}
	}

	/** Bring everyone here (facilitators): starts a presentation on this board. */
	async start(): Promise<boolean> {
		const res = await activityRequest(this.where, 'presentation', { body: {} });
		return res.ok;
	}

	/** Ends the presentation, wherever it started. */
	async end(): Promise<boolean> {
		const res = await activityRequest(this.where, 'presentation', { method: 'DELETE' });
		return res.ok;
	}

	private get where() {
		return { practiceId: this.board.practiceId, boardId: this.board.boardId };
	}

	/** A note to jump to once another board's page has opened ("Ga erheen" on a spotlight elsewhere). */
	static setPendingJump(practiceId: string, jump: { lane: LaneKey; noteId: string } | null): void {
		write(jumpKey(practiceId), jump && JSON.stringify(jump));
	}

	static takePendingJump(practiceId: string): { lane: LaneKey; noteId: string } | null {
		const raw = read(jumpKey(practiceId));
		write(jumpKey(practiceId), null);
		try {
			return raw ? (JSON.parse(raw) as { lane: LaneKey; noteId: string }) : null;
		} catch {
			return null;
		}
	}
}
