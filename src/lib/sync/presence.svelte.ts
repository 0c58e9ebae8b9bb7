import type { HocuspocusProvider } from '@hocuspocus/provider';
import type { MemberId } from '#lib/domain/ids.ts';
import { parseSpotlight, parseView, sameSpotlight, sameView, type BoardView, type Spotlight } from '#lib/domain/presence.ts';

export type { BoardView, Spotlight } from '#lib/domain/presence.ts';

/** At most one view per this many ms (a trailing one carries where the view came to rest). */
export const VIEW_INTERVAL_MS = 150;

/** Someone on the practice's awareness: who, where they look, what they spotlight. */
export interface PresencePeer {
	readonly clientId: number;
	readonly memberId: MemberId;
	readonly name: string;
	readonly view: BoardView | null;
	readonly spotlight: Spotlight | null;
	/** When this client's view last changed, in the order this page saw changes (higher: later). */
	readonly viewSeq: number;
	readonly spotlightSeq: number;
}

/** The spotlight everyone sees: the latest one set, and by whom. */
export interface ActiveSpotlight extends Spotlight {
	readonly memberId: MemberId;
	readonly name: string;
	/** Changes with every new spotlight (also the same note spotlighted again). */
	readonly seq: number;
}

/**
 * Presence on the practice document's awareness: where everyone looks (their
 * view, in board units of group space, see src/lib/domain/presence.ts), the
 * facilitator's spotlight, and following someone.
 *
 * Built from the practice document's provider. With `me` it publishes (a
 * member's page); without, it only reads (the room's screen): it never sets a
 * local state, and follows all the same.
 */
export class Presence {
	peers = $state.raw<PresencePeer[]>([]);
	/** The member whose view this page follows, or null. */
	following = $state<MemberId | null>(null);
	/** My spotlight as I set it (facilitators). */
	mySpotlight = $state.raw<Spotlight | null>(null);
	private mySpotlightSeq = $state(0);

	/** The view of the member I follow: of their clients, the one whose view changed last. */
	readonly followedView: BoardView | null = $derived.by(() => {
		const id = this.following;
		if (!id) return null;
		let best: PresencePeer | null = null;
		for (const p of this.peers) if (p.memberId === id && p.view && (!best || p.viewSeq > best.viewSeq)) best = p;
		return best?.view ?? null;
	});

	/** The name of the member I follow (while they are here). */
	readonly followedName: string | null = $derived(this.peers.find((p) => p.memberId === this.following)?.name ?? null);

	/** The spotlight set last, by anyone here (the server passes only facilitators' spotlights), me included. */
	readonly spotlight: ActiveSpotlight | null = $derived.by(() => {
		let best: ActiveSpotlight | null = null;
		for (const p of this.peers) {
			if (p.spotlight && (!best || p.spotlightSeq > best.seq)) best = { ...p.spotlight, memberId: p.memberId, name: p.name, seq: p.spotlightSeq };
		}
		if (this.me && this.mySpotlight && (!best || this.mySpotlightSeq > best.seq)) {
			best = { ...this.mySpotlight, memberId: this.me.memberId, name: this.me.name, seq: this.mySpotlightSeq };
		}
		return best;
	});

	readonly provider: HocuspocusProvider;
	readonly me: { readonly memberId: MemberId; readonly name: string } | null;
	/** Change order across peers and me: every change seen gets the next number. */
	private seq = 0;
	private readonly seen = new Map<number, { view: BoardView | null; spotlight: Spotlight | null; viewSeq: number; spotlightSeq: number }>();
	private published: BoardView | null = null;
	private pending: BoardView | null | undefined = undefined;
	private lastSent = -Infinity;
	private timer: ReturnType<typeof setTimeout> | null = null;
	private readonly now: () => number;

	constructor(
		provider: HocuspocusProvider,
		me: { readonly memberId: MemberId; readonly name: string } | null = null,
		{ now = () => performance.now() }: { now?: () => number } = {}
	) {
		this.provider = provider;
		this.me = me;
		this.now = now;
		const awareness = provider.awareness;
		if (!awareness) throw new Error('Presence needs the practice document opened with awareness');
		if (me) {
			awareness.setLocalStateField('user', { memberId: me.memberId, name: me.name });
			awareness.setLocalStateField('view', null);
			awareness.setLocalStateField('spotlight', null);
			// After a reconnect the server has dropped my state but remembers its clock:
			// the same state again would be ignored, so move the clock on.
			provider.on('synced', this.reannounce);
		}
		awareness.on('change', this.refresh);
		this.refresh();
	}

	private readonly reannounce = (): void => {
		const awareness = this.provider.awareness;
		if (awareness) awareness.setLocalState({ ...(awareness.getLocalState() ?? {}) });
	};

	private readonly refresh = (): void => {
		const awareness = this.provider.awareness;
		if (!awareness) return;
		const peers: PresencePeer[] = [];
		const present = new Set<number>();
		awareness.getStates().forEach((state, clientId) => {
			if (clientId === awareness.clientID) return;
			const user = state.user as { memberId?: unknown; name?: unknown } | undefined;
			if (typeof user?.memberId !== 'string' || typeof user.name !== 'string') return;
			present.add(clientId);
			const view = parseView(state.view);
			const spotlight = parseSpotlight(state.spotlight);
			let known = this.seen.get(clientId);
			if (!known) {
				known = { view, spotlight, viewSeq: view ? ++this.seq : 0, spotlightSeq: spotlight ? ++this.seq : 0 };
				this.seen.set(clientId, known);
			} else {
				if (!sameView(known.view, view)) known = { ...known, view, viewSeq: ++this.seq };
				if (!sameSpotlight(known.spotlight, spotlight)) known = { ...known, spotlight, spotlightSeq: ++this.seq };
				this.seen.set(clientId, known);
			}
			peers.push({ clientId, memberId: user.memberId as MemberId, name: user.name, view, spotlight, viewSeq: known.viewSeq, spotlightSeq: known.spotlightSeq });
		});
		for (const id of [...this.seen.keys()]) if (!present.has(id)) this.seen.delete(id);
		this.peers = peers;
	};

	/**
	 * Publishes where I look (board units, group space), or null: at most one
	 * message every VIEW_INTERVAL_MS, the last one always sent, and only when
	 * it changed. A page that only reads publishes nothing.
	 */
	publishView(view: BoardView | null): void {
		if (!this.me) return;
		const next = view && parseView(view);
		if (this.timer === null && sameView(next, this.published)) return;
		this.pending = next;
		if (this.timer !== null) return;
		const wait = this.lastSent + VIEW_INTERVAL_MS - this.now();
		if (wait <= 0) this.flush();
		else this.timer = setTimeout(this.flush, wait);
	}

	private readonly flush = (): void => {
		this.timer = null;
		const view = this.pending;
		this.pending = undefined;
		if (view === undefined || sameView(view, this.published)) return;
		this.published = view;
		this.lastSent = this.now();
		this.provider.awareness?.setLocalStateField('view', view);
	};

	/** What I published last (after the throttle). */
	get publishedView(): BoardView | null {
		return this.published;
	}

	/** Puts a note in the spotlight for everyone, or clears it (the server passes it from facilitators only). */
	setSpotlight(spotlight: Spotlight | null): void {
		if (!this.me) return;
		const next = spotlight && parseSpotlight(spotlight);
		this.mySpotlight = next;
		this.mySpotlightSeq = ++this.seq;
		this.provider.awareness?.setLocalStateField('spotlight', next);
	}

	/** Follows a member's view (their board, pan and zoom); never myself. */
	follow(memberId: MemberId): void {
		if (memberId === this.me?.memberId) return;
		this.following = memberId;
	}

	unfollow(): void {
		this.following = null;
	}

	destroy(): void {
		if (this.timer !== null) clearTimeout(this.timer);
		this.timer = null;
		this.provider.awareness?.off('change', this.refresh);
		this.provider.off('synced', this.reannounce);
	}
}
