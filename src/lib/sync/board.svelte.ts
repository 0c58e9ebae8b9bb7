import type { HocuspocusProvider, HocuspocusProviderWebsocket } from '@hocuspocus/provider';
import * as Y from 'yjs';
import { laneMember, memberLane, type LaneKey } from '#lib/domain/lanes.ts';
import { anonymousDoc, collectiveDoc, laneDoc, privateDoc } from '#lib/domain/docnames.ts';
import type { BoardId, MemberId, NoteId, PracticeId } from '#lib/domain/ids.ts';
import { NOTES_KEY, citedBy, listNotes, type CitationRef, type NoteData } from '#lib/domain/notes.ts';
import { canWrite, laneOwners, type MemberInfo, type Role, type RoundInfo } from '#lib/domain/practice.ts';
import type { Visibility } from '#lib/domain/visibility.ts';
import { openDocumentWithCopy, openSocket, type OpenDocument } from './socket.ts';
import { PracticeState } from './practice.svelte.ts';
import { Presence } from './presence.svelte.ts';
import { coalesce } from './coalesce.ts';
import { pendingNoteCount } from './pending.ts';
import { notesTouchedBy } from '#lib/domain/touched.ts';
import { PlacementSettler } from './settle.ts';
import type { RegionKind } from '#lib/domain/board-space.ts';
import { discardLocally, forgetPracticeLocally, type LocalCopy } from './local.ts';
import { clustersMap, listClusters, type Cluster } from '#lib/domain/arrange.ts';

/** A lane on the board: the collective lane, the anonymous lane, my private lane, or a member's shared lane. */
export type { LaneKey } from '#lib/domain/lanes.ts';

export interface Me {
	readonly id: MemberId;
	readonly name: string;
	readonly role: Role;
}

export type { Visibility };

export interface Peer {
	readonly clientId: number;
	readonly memberId: MemberId;
	readonly name: string;
	readonly color: string;
	readonly pointer: { lane: LaneKey; x: number; y: number } | null;
}

/**
 * The server refused a change of mine (server/extensions/quota.ts): a note too
 * large, a lane full, or too much written in a short time.
 */
export type Refusal = { readonly kind: 'note-too-large' | 'document-full' | 'write-quota' | 'schema-violation'; readonly lane: LaneKey };
const REFUSALS = new Set<string>(['note-too-large', 'document-full', 'write-quota', 'schema-violation']);

const PEOPLE_COLORS = ['#b3261e', '#1f6f43', '#2a4fb5', '#8a3ea8', '#a35200', '#006a75', '#6b5200', '#a0225f'];

export function personColor(memberId: string): string {
	let h = 0;
	for (const ch of memberId) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
	return PEOPLE_COLORS[h % PEOPLE_COLORS.length];
}

/** Does a transaction touch notes' fields (not only their rich text)? */
function touchesLayout(events: Y.YEvent<Y.AbstractType<unknown>>[]): boolean {
	return events.some((e) => e.target instanceof Y.Map || e.target instanceof Y.Array);
}

/** One lane: a document, its notes in reading order, and whether I may write. */
export class LaneState {
	notes = $state.raw<NoteData[]>([]);
	synced = $state(false);

	readonly key: LaneKey;
	readonly provider: HocuspocusProvider;
	/** This browser's copy; null where there is no IndexedDB. */
	readonly local: LocalCopy | null;
	readonly writable: boolean;
	/** Moves notes this client placed automatically off notes placed elsewhere at the same moment. */
	readonly placement: PlacementSettler | null;

	constructor(key: LaneKey, { provider, local }: OpenDocument, writable: boolean) {
		this.key = key;
		this.provider = provider;
		this.local = local;
		this.writable = writable;
		const kind: RegionKind = key === 'collective' ? 'collective' : key === 'anonymous' ? 'anonymous' : key === 'private' ? 'private' : 'member';
		this.placement = writable && kind !== 'anonymous' ? new PlacementSettler(provider.document, kind) : null;
		const map = provider.document.getMap(NOTES_KEY);
		const refresh = coalesce(() => (this.notes = listNotes(provider.document)));
		map.observeDeep((events) => {
			if (touchesLayout(events)) refresh();
		});
		provider.on('synced', () => (this.synced = true));
		if (!local) {
			provider.document.on('update', (_update: Uint8Array, origin: unknown, doc: Y.Doc, tr: Y.Transaction) => {
				if (origin !== provider) for (const id of notesTouchedBy(doc, tr)) this.unsavedNotes.add(id);
			});
			provider.on('unsyncedChanges', ({ number }: { number: number }) => {
				if (number === 0) this.unsavedNotes.clear();
			});
		}
		refresh();
	}

	get doc(): Y.Doc {
		return this.provider.document;
	}

	/** My changes to this lane the server has not confirmed storing (also those of an earlier page). */
	get waiting(): number {
		return this.local ? this.local.waiting : this.provider.unsyncedChanges;
	}

	/** The notes those changes touched (without a local copy: since this page opened). */
	get pendingNotes(): ReadonlySet<string> {
		return this.local ? this.local.pendingNotes : this.unsavedNotes;
	}

	/** Without a local copy: the notes my changes touched until the server confirmed them all. */
	private readonly unsavedNotes = new Set<string>();

	destroy(): void {
		this.placement?.destroy();
		this.provider.destroy();
	}
}

/**
 * Everything a board page is connected to: the practice document (members),
 * the collective lane and every member's individual lane, over one socket.
 * Presence and pointers travel on the collective lane's awareness.
 */
export class BoardState {
	readonly practice: PracticeState;
	/** Where everyone in the practice looks, the spotlight, following (on the practice document's awareness). */
	readonly presence: Presence;
	readonly collective: LaneState;
	/** Anonymous notes of everyone (written by the server). */
	readonly anonymous: LaneState;
	/** My private notes; none for observers. */
	readonly privateLane: LaneState | null;
	lanes = $state.raw<LaneState[]>([]);
	private socketStatus = $state<'connecting' | 'connected' | 'disconnected'>('connecting');
	private wasConnected = $state(false);
	private online = $state(typeof navigator === 'undefined' || navigator.onLine);
	/**
	 * `disconnected` once the browser has gone offline (whatever a socket still
	 * open says); else `connected`, or `connecting` until the first connection
	 * and `reconnecting` after it.
	 */
	status = $derived<'connecting' | 'connected' | 'reconnecting' | 'disconnected'>(
		!this.online ? 'disconnected' : this.socketStatus === 'connected' ? 'connected' : this.wasConnected ? 'reconnecting' : 'connecting'
	);
	/**
	 * How many notes my changes the server has not yet confirmed storing durably
	 * touched, in every lane (a note moved between lanes counts once; a change
	 * of no note, or one from before notes were recorded, counts as one).
	 */
	unsynced = $state(0);
	/** The last change of mine the server refused, until everything is saved again. */
	refusal = $state.raw<Refusal | null>(null);
	peers = $state.raw<Peer[]>([]);
	backlinks = $state.raw<Map<CitationRef, NoteId[]>>(new Map());
	/** The collective lane's affinity clusters (groups), in reading order of their places. */
	clusters = $state.raw<Cluster[]>([]);
	readonly color: string;
	private readonly socket: HocuspocusProviderWebsocket;
	/** The room's screen (server/screens.ts): reads the group's lanes over the screen page's socket, writes and announces nothing. */
	readonly screen: boolean;

	readonly practiceId: PracticeId;
	readonly boardId: BoardId;
	readonly me: Me;

	/** Where a new note of mine goes unless I pick a lane: the practice's default. */
	readonly defaultVisibility: Visibility;

	constructor(
		practiceId: PracticeId,
		boardId: BoardId,
		me: Me,
		defaultVisibility: Visibility = 'shared',
		initialMembers: readonly MemberInfo[] = [],
		screen: { socket: HocuspocusProviderWebsocket; practice: PracticeState; presence: Presence } | null = null
	) {
		this.defaultVisibility = defaultVisibility;
		this.practiceId = practiceId;
		this.boardId = boardId;
		this.me = me;
		this.color = personColor(me.id);
		this.screen = screen !== null;
		this.socket = screen?.socket ?? openSocket();
		const open = { screen: this.screen };
		this.practice = screen?.practice ?? new PracticeState(this.socket, practiceId, initialMembers);
		// The room's screen only reads presence (the page's own, kept across boards).
		this.presence = screen?.presence ?? new Presence(this.practice.provider, { memberId: me.id, name: me.name });
		// Refused (removed from the practice, or left elsewhere): keep nothing of it here.
		if (!screen) this.practice.provider.on('authenticationFailed', () => void forgetPracticeLocally(practiceId));
		const writer = !screen && canWrite(me.role);
		this.collective = new LaneState('collective', openDocumentWithCopy(this.socket, collectiveDoc(practiceId, boardId), open), writer);
		this.track(this.collective);
		this.anonymous = new LaneState(
			'anonymous',
			openDocumentWithCopy(this.socket, anonymousDoc(practiceId, boardId), { awareness: false, ...open }),
			false
		);
		this.privateLane = writer
			? new LaneState('private', openDocumentWithCopy(this.socket, privateDoc(practiceId, boardId, me.id), { awareness: false }), true)
			: null;
		if (this.privateLane) this.track(this.privateLane);
		this.practice.provider.document.on('update', this.membersChanged);
		this.syncLanes();

		const collectiveDocument = this.collective.doc;
		const refreshBacklinks = coalesce(() => (this.backlinks = citedBy(collectiveDocument)));
		collectiveDocument.getMap(NOTES_KEY).observeDeep((events) => {
			if (touchesLayout(events) || events.some((e) => e.target instanceof Y.Array)) refreshBacklinks();
		});

		const refreshClusters = coalesce(() => (this.clusters = listClusters(collectiveDocument)));
		clustersMap(collectiveDocument).observeDeep(refreshClusters);
		refreshClusters();

		const awareness = this.collective.provider.awareness!;
		awareness.on('change', coalesce(() => this.refreshPeers()));
		// The screen's page watches its own socket; a screen is nobody's presence.
		if (screen) return;
		awareness.setLocalStateField('user', { name: me.name, color: this.color, memberId: me.id });
		// After a reconnect the server has dropped my presence but remembers its
		// clock; re-sending the same state would be ignored, so move the clock on.
		this.collective.provider.on('synced', () => awareness.setLocalState({ ...(awareness.getLocalState() ?? {}) }));
		this.socket.on('status', ({ status }: { status: string }) => {
			this.socketStatus = status === 'connected' ? 'connected' : status === 'connecting' ? 'connecting' : 'disconnected';
			if (status === 'connected') this.wasConnected = true;
		});
		window.addEventListener('offline', this.wentOffline);
		window.addEventListener('online', this.cameOnline);
	}

	/**
	 * Going offline does not always end an open websocket (it can hang until a
	 * ping times out): end it now, and try again when the network is back.
	 * (A page opened without a network still connects, to a server on this machine, say.)
	 */
	private readonly wentOffline = () => {
		this.online = false;
		this.socket.disconnect();
	};

	private readonly cameOnline = () => {
		this.online = true;
		void this.socket.connect();
	};

	private destroyed = false;
	private readonly membersChanged = coalesce(() => {
		if (!this.destroyed) this.syncLanes();
	});

	/** Opens a lane for every member who has one; mine first. */
	private syncLanes(): void {
		const owners = laneOwners(this.practice.info.members);
		const known = new Set(this.lanes.map((l) => l.key));
		const added: LaneState[] = [];
		for (const owner of owners) {
			if (known.has(memberLane(owner.id))) continue;
			const mine = owner.id === this.me.id;
			const lane = new LaneState(
				memberLane(owner.id),
				openDocumentWithCopy(this.socket, laneDoc(this.practiceId, this.boardId, owner.id), { awareness: false, screen: this.screen }),
				mine && !this.screen && canWrite(this.me.role)
			);
			this.track(lane);
			added.push(lane);
		}
		if (added.length === 0) return;
		const order = new Map<string, number>(owners.map((o, i) => [memberLane(o.id), o.id === this.me.id ? -1 : i]));
		this.lanes = [...this.lanes, ...added].sort((a, b) => (order.get(a.key) ?? 0) - (order.get(b.key) ?? 0));
	}

	private track(lane: LaneState): void {
		const refresh = coalesce(() => this.refreshUnsynced());
		if (lane.local) lane.local.onChange(refresh);
		else lane.provider.on('unsyncedChanges', refresh);
		// Hocuspocus' close message for this document names why (code 1000); the socket's own close is for every document.
		lane.provider.on('close', ({ event }: { event: { code: number; reason: string } }) => {
			// A schema refusal names what was wrong after a colon (server/close-reasons.ts).
			const kind = event.reason.split(':')[0];
			if (event.code !== 1000 || !REFUSALS.has(kind)) return;
			this.refusal = { kind: kind as Refusal['kind'], lane: lane.key };
			// Sent again it would be refused again, and every refusal closes the socket of the whole board:
			// this lane stops sending until the change is thrown away. Too fast: the socket's backoff retries.
			if (event.reason !== 'write-quota') lane.provider.detach();
		});
		refresh();
	}

	/**
	 * Throws away what this browser has of the refused lane, the refused change
	 * with it (the server never stored it: nothing acknowledged is lost), and
	 * loads the page again: the lane comes back as the server has it.
	 */
	async discardRefused(): Promise<void> {
		const lane = this.refusal && this.lane(this.refusal.lane);
		if (!lane) return;
		await discardLocally(lane.provider.configuration.name);
		lane.destroy();
		location.reload();
	}

	private get allLanes(): LaneState[] {
		return [this.collective, this.anonymous, ...(this.privateLane ? [this.privateLane] : []), ...this.lanes];
	}

	private refreshUnsynced(): void {
		this.unsynced = pendingNoteCount(this.allLanes);
		if (this.unsynced === 0 && this.refusal?.kind === 'write-quota') this.refusal = null;
	}

	private refreshPeers(): void {
		const awareness = this.collective.provider.awareness!;
		const peers: Peer[] = [];
		awareness.getStates().forEach((state, clientId) => {
			if (clientId === awareness.clientID) return;
			const user = state.user as { name?: string; color?: string; memberId?: string } | undefined;
			if (!user?.memberId || !user.name) return;
			const p = state.pointer as Peer['pointer'] | undefined;
			peers.push({
				clientId,
				memberId: user.memberId as MemberId,
				name: user.name,
				color: user.color ?? '#333',
				pointer: p && typeof p.x === 'number' && typeof p.y === 'number' ? p : null
			});
		});
		this.peers = peers;
	}

	lane(key: LaneKey): LaneState | undefined {
		if (key === 'collective') return this.collective;
		if (key === 'anonymous') return this.anonymous;
		if (key === 'private') return this.privateLane ?? undefined;
		return this.lanes.find((l) => l.key === key);
	}

	/** The silent round on this board, while it is running. */
	get round(): RoundInfo | null {
		const round = this.practice.activity('silent-round', this.boardId);
		return round && round.revealedAt === null ? round : null;
	}

	get myLane(): LaneState | undefined {
		return this.lanes.find((l) => l.key === this.myLaneKey);
	}

	/** The key of my own lane (`lane:<my id>`). */
	get myLaneKey(): LaneKey {
		return memberLane(this.me.id);
	}

	laneName(key: LaneKey): string {
		const member = laneMember(key);
		return member === null ? key : (this.practice.memberName(member) ?? '');
	}

	private lastPointer = 0;
	setPointer(pointer: Peer['pointer']): void {
		if (this.screen) return;
		const now = performance.now();
		if (pointer && now - this.lastPointer < 50) return; // at most 20 Hz
		this.lastPointer = now;
		this.collective.provider.awareness?.setLocalStateField('pointer', pointer);
	}

	destroy(): void {
		window.removeEventListener('offline', this.wentOffline);
		window.removeEventListener('online', this.cameOnline);
		this.destroyed = true;
		this.practice.provider.document.off('update', this.membersChanged);
		for (const lane of this.allLanes) lane.destroy();
		// The screen's page keeps its socket, practice and presence across boards.
		if (this.screen) return;
		this.presence.destroy();
		this.practice.destroy();
		this.socket.destroy();
	}
}
