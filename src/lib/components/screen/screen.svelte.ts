import { BoardState } from '#lib/sync/board.svelte.ts';
import { PracticeState } from '#lib/sync/practice.svelte.ts';
import { Presence, type BoardView, type Spotlight } from '#lib/sync/presence.svelte.ts';
import { openSocket } from '#lib/sync/socket.ts';
import { isOpen } from '#lib/domain/windows.ts';
import { runningPresentation, type Activity, type ActivityOf } from '#lib/domain/activities.ts';
import type { BoardId, MemberId, PracticeId } from '#lib/domain/ids.ts';
import type { MemberInfo } from '#lib/domain/practice.ts';

/** What the room's screen shows an activity for: one that runs now. */
export function running(activity: Activity, now: number): boolean {
	switch (activity.kind) {
		case 'silent-round':
			return activity.revealedAt === null;
		case 'collection-window':
			return isOpen(activity, now);
		case 'presentation':
			return activity.endedAt === null;
		case 'vote':
			return activity.closedAt === null;
		case 'sharing-round':
			return activity.endedAt === null;
		default:
			// A kind this screen does not know yet shows nothing of its own.
			return false;
	}
}

/**
 * The room's screen (server/screens.ts): one socket signed in with the
 * screen's cookie, the practice document (members, activities), and the board
 * it shows, if any — opened read-only, without local copies, announcing
 * nothing. It follows the facilitator who paired it, or the presenter of a
 * running presentation.
 */
export class ScreenState {
	readonly practiceId: PracticeId;
	readonly screenId: MemberId;
	readonly pairedBy: MemberId;
	readonly practice: PracticeState;
	/** Where everyone looks; the screen only reads it, and follows the facilitator who paired it. */
	readonly presence: Presence;
	/** Unpaired by a facilitator (or the facilitator who paired it is gone): the server refuses it. */
	ended = $state(false);
	connected = $state(false);
	board = $state.raw<BoardState | null>(null);
	private readonly socket = openSocket();

	constructor(practiceId: PracticeId, screen: { id: MemberId; pairedBy: MemberId }, members: readonly MemberInfo[]) {
		this.practiceId = practiceId;
		this.screenId = screen.id;
		this.pairedBy = screen.pairedBy;
		this.practice = new PracticeState(this.socket, practiceId, members, { screen: true });
		this.presence = new Presence(this.practice.provider, null);
		this.practice.provider.on('authenticationFailed', () => {
			this.ended = true;
			this.show(null);
			this.socket.disconnect();
		});
		this.socket.on('status', ({ status }: { status: string }) => (this.connected = status === 'connected'));
	}

	/** Whom the screen follows: the presenter of a running presentation ("bring everyone here"), else the facilitator who paired it. */
	get leader(): MemberId {
		return (runningPresentation(this.practice.info.activities)?.presenter as MemberId | undefined) ?? this.pairedBy;
	}

	/** Follows the leader (the page runs this whenever it changes). */
	sync(): void {
		if (this.presence.following !== this.leader) this.presence.follow(this.leader);
	}

	/** The view the screen shows: the leader's, while they look at a board. */
	get view(): BoardView | null {
		return this.presence.followedView;
	}

	/**
	 * A note in the spotlight on the board shown (the latest any facilitator
	 * set), while it is newer than the followed view's last move: the screen
	 * zooms to it, and follows the view again once the facilitator moves on.
	 */
	get spotlight(): Spotlight | null {
		const s = this.presence.spotlight;
		if (!s || !this.board || s.boardId !== this.board.boardId) return null;
		const moved = Math.max(0, ...this.presence.peers.filter((p) => p.memberId === this.presence.following && p.view).map((p) => p.viewSeq));
		return s.seq > moved ? s : null;
	}

	/** Who has joined: every member still in the practice. */
	get joined(): number {
		return this.practice.info.members.filter((m) => !m.removed).length;
	}

	/** The activities running now, on any board. */
	activities(now: number): Activity[] {
		return this.practice.info.activities.filter((a) => running(a, now));
	}

	/** Closed votes whose result the screen showed and the facilitator has moved on from (to another board). */
	private readonly shown = new Set<string>();

	/**
	 * A vote's result to show on the board shown: the board's latest vote, closed
	 * with totals, while nothing started on that board after it closed and the
	 * screen has not left the board since (the facilitator moving on). Totals
	 * only, as everyone gets them (server/activities/vote.ts): never who.
	 */
	get result(): ActivityOf<'vote'> | null {
		const boardId = this.board?.boardId;
		if (!boardId) return null;
		const acts = this.practice.info.activities.filter((a) => a.boardId === boardId);
		const vote = acts.find((a): a is ActivityOf<'vote'> => a.kind === 'vote');
		if (!vote || vote.closedAt === null || !vote.result || this.shown.has(vote.id)) return null;
		const closedAt = vote.closedAt;
		const later = acts.some((a) => a.kind !== 'vote' && a.kind !== 'collection-window' && 'startedAt' in a && a.startedAt > closedAt);
		return later ? null : vote;
	}

	/** Shows a board (opening its lanes as the group sees them), or none. */
	show(boardId: BoardId | null): void {
		if ((this.board?.boardId ?? null) === boardId) return;
		// Leaving a board whose vote result is up: the facilitator moved on, it does not come back.
		const result = this.result;
		if (result) this.shown.add(result.id);
		this.board?.destroy();
		this.board =
			boardId === null || this.ended
				? null
				: new BoardState(this.practiceId, boardId, { id: this.screenId, name: '', role: 'observer' }, 'shared', this.practice.info.members, {
						socket: this.socket,
						practice: this.practice,
						presence: this.presence
					});
	}

	destroy(): void {
		this.board?.destroy();
		this.presence.destroy();
		this.practice.destroy();
		this.socket.destroy();
	}
}
