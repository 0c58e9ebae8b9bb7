import type { Hocuspocus } from '@hocuspocus/server';
import * as Y from 'yjs';
import { anonymousDoc, collectiveDoc, laneDoc, parseDocName, practiceDoc, privateDoc } from '../src/lib/domain/docnames.ts';
import { randomInt } from 'node:crypto';
import { newNoteId, randomId, type BoardId, type MemberId, type NoteId, type PracticeId } from '../src/lib/domain/ids.ts';
import { bringIn, createNote, deleteNote, listNotes, noteContent, notesMap, occupancyOf, readNote, transferNote } from '../src/lib/domain/notes.ts';
import { dayOf, readPrivateState } from '../src/lib/domain/visibility.ts';
import { SERVER_ORIGIN, applyMirrors, type MirrorChange, type MirrorSource } from './mirror.ts';
import { boardsOf, readPractice, removeMemberInfo, writeRound, type RoundInfo } from '../src/lib/domain/practice.ts';
import type { RoundRecord, Storage } from './storage/types.ts';
import type { Logger } from './logger.ts';
import { ServiceError } from './errors.ts';

type DirectConnection = Awaited<ReturnType<Hocuspocus['openDirectConnection']>>;

export { SERVER_ORIGIN } from './mirror.ts';

interface Deps {
	readonly storage: Storage;
	readonly openDirect: (name: string) => Promise<DirectConnection>;
	/** Resolves once every change made so far is durable. */
	readonly whenStored: () => Promise<void>;
	/** Reads a document without holding it open (the practice document's rounds). */
	readonly readDocument?: (name: string) => Promise<Y.Doc>;
	readonly logger: Logger;
}

/**
 * What keeps the visibility promises: mirrors anonymous notes into the
 * server-written anonymous document, runs silent rounds, and erases a member
 * who leaves. Everything here writes with SERVER_ORIGIN.
 */
export class Privacy {
	private readonly deps: Deps;
	/** Per board: the private documents changed since their last mirror write, and when they last changed. */
	private readonly dirty = new Map<string, Map<string, number>>();
	/** Per board: the next mirror write. */
	private readonly mirrorTicks = new Map<string, ReturnType<typeof setTimeout>>();
	private readonly rounds = new Map<string, OpenRound>();
	private readonly revealing = new Set<string>();
	private readonly countTimers = new Map<string, ReturnType<typeof setTimeout>>();
	/**
	 * A board's mirror write comes this long after the first change waiting for
	 * it, plus a random part of as much again; it takes every private document
	 * quiet for at least half of it, so an anonymous note does not change the
	 * instant its author types.
	 */
	mirrorDelayMs = 2000;

	constructor(deps: Deps) {
		this.deps = deps;
	}

	/** Called for every change of a loaded document. */
	onDocumentChange(name: string): void {
		const parsed = parseDocName(name);
		if (parsed?.kind !== 'private') return;
		const board = roundKey(parsed.practiceId, parsed.boardId);
		let changed = this.dirty.get(board);
		if (!changed) this.dirty.set(board, (changed = new Map()));
		changed.set(name, Date.now());
		this.scheduleMirror(board);
		const key = roundKey(parsed.practiceId, parsed.boardId);
		if (this.rounds.has(key)) this.debounce(this.countTimers, name, 300, () => this.recount(name));
	}

	private debounce(timers: Map<string, ReturnType<typeof setTimeout>>, key: string, ms: number, run: () => Promise<void>) {
		clearTimeout(timers.get(key));
		timers.set(
			key,
			setTimeout(() => {
				timers.delete(key);
				run().catch((error) => this.deps.logger.warn('privacy-task-failed', { task: run.name, error: String(error) }));
			}, ms)
		);
	}

	/**
	 * Mirror writes are per board, not per author: every tick writes what all
	 * quiet private documents of the board changed, as one shuffled transaction
	 * (see applyMirrors). A tick comes at a random moment of its window, so its
	 * time does not follow one author's typing either.
	 */
	private scheduleMirror(board: string): void {
		if (this.mirrorTicks.has(board)) return;
		const delay = this.mirrorDelayMs + randomInt(Math.max(1, Math.round(this.mirrorDelayMs)) + 1);
		this.mirrorTicks.set(
			board,
			setTimeout(() => {
				this.mirrorTicks.delete(board);
				this.mirrorTick(board).catch((error) => this.deps.logger.warn('privacy-task-failed', { task: 'mirror', error: String(error) }));
			}, delay)
		);
	}

	private async mirrorTick(board: string, all = false): Promise<void> {
		const changed = this.dirty.get(board);
		if (!changed) return;
		const quietSince = Date.now() - this.mirrorDelayMs / 2;
		const ready = [...changed].filter(([, at]) => all || at <= quietSince).map(([name]) => name);
		for (const name of ready) changed.delete(name);
		if (changed.size === 0) this.dirty.delete(board);
		try {
			if (ready.length) await this.mirror(...ready);
		} catch (error) {
			// Not mirrored (storage busy, say): these documents wait for the next tick, not for their next change.
			let again = this.dirty.get(board);
			if (!again) this.dirty.set(board, (again = new Map()));
			for (const name of ready) if (!again.has(name)) again.set(name, 0);
			throw error;
		} finally {
			if (this.dirty.has(board)) this.scheduleMirror(board);
		}
	}

	/** Runs pending mirror updates now (shutdown) and stops all timers. */
	async stop(): Promise<void> {
		for (const timer of [...this.mirrorTicks.values(), ...this.countTimers.values()]) clearTimeout(timer);
		this.mirrorTicks.clear();
		this.countTimers.clear();
		for (const { timer, ticker } of this.rounds.values()) {
			clearTimeout(timer);
			if (ticker) clearInterval(ticker);
		}
		for (const board of [...this.dirty.keys()]) {
			await this.mirrorTick(board, true).catch((error) => this.deps.logger.warn('privacy-task-failed', { error: String(error) }));
		}
		for (const timer of this.mirrorTicks.values()) clearTimeout(timer);
		this.mirrorTicks.clear();
	}

	/**
	 * The rounds whose notes must not be mirrored yet: the one this instance
	 * runs, and the one the practice document says is open — with several
	 * instances (Redis), the round may run on another one, and an anonymous
	 * note written here during it must stay unseen until that one reveals.
	 */
	private async openRoundIds(practiceId: PracticeId, boardId: BoardId): Promise<Set<string>> {
		const open = this.rounds.get(roundKey(practiceId, boardId));
		const ids = new Set<string>(open ? [open.round.id] : []);
		if (this.deps.readDocument) {
			const shared = readPractice(await this.deps.readDocument(practiceDoc(practiceId))).rounds.get(boardId);
			if (shared && shared.revealedAt === null && !this.revealing.has(roundKey(practiceId, boardId))) ids.add(shared.id);
		}
		return ids;
	}

	private readonly locks = new Map<string, Promise<void>>();

	/**
	 * Runs `fn` while holding the named locks (taken in a fixed order). Mirror,
	 * reveal and erase read a private document's links and write them back; two
	 * of them interleaving on one document could mirror a note twice.
	 */
	private async withLocks<T>(names: readonly string[], fn: () => Promise<T>): Promise<T> {
		const sorted = [...new Set(names)].sort();
		const releases: (() => void)[] = [];
		for (const name of sorted) {
			const previous = this.locks.get(name) ?? Promise.resolve();
			let release!: () => void;
			const mine = new Promise<void>((r) => (release = r));
			const chained = previous.then(() => mine);
			this.locks.set(name, chained);
			await previous;
			releases.push(() => {
				release();
				if (this.locks.get(name) === chained) this.locks.delete(name);
			});
		}
		try {
			return await fn();
		} finally {
			for (const r of releases) r();
		}
	}

	/**
	 * Brings the anonymous document in line with these private documents (all
	 * of one board), in one write.
	 */
	async mirror(...privateNames: string[]): Promise<void> {
		const parsed = parseDocName(privateNames[0] ?? '');
		if (parsed?.kind !== 'private') return;
		const names = privateNames.filter((n) => {
			const p = parseDocName(n);
			return p?.kind === 'private' && p.practiceId === parsed.practiceId && p.boardId === parsed.boardId;
		});
		return this.withLocks(names, () => this.mirrorUnlocked(parsed.practiceId, parsed.boardId, names));
	}

	private async mirrorUnlocked(practiceId: PracticeId, boardId: BoardId, names: readonly string[]): Promise<void> {
		const anon = await this.deps.openDirect(anonymousDoc(practiceId, boardId));
		const opened: DirectConnection[] = [anon];
		try {
			const sources: MirrorSource[] = [];
			for (const name of names) {
				const source = await this.deps.openDirect(name);
				opened.push(source);
				sources.push({ name, doc: source.document!, links: await this.deps.storage.anonymousLinks(name) });
			}
			const openRounds = await this.openRoundIds(practiceId, boardId);
			const changes = applyMirrors(sources, anon.document!, openRounds);
			for (const [name, change] of changes) await this.persistLinks(name, change);
			await this.deps.whenStored();
		} finally {
			await Promise.all(opened.map((c) => c.disconnect()));
		}
	}

	private async persistLinks(privateName: string, change: MirrorChange) {
		for (const { anonId, noteId } of change.added) await this.deps.storage.linkAnonymous(anonId, privateName, noteId);
		if (change.removed.length) await this.deps.storage.unlinkAnonymous(change.removed);
	}

	// --- Silent rounds -------------------------------------------------------

	/** After a restart: rounds still running get their timers back; overdue ones are revealed. */
	async restoreRounds(): Promise<void> {
		for (const round of await this.deps.storage.openRounds()) this.track(round);
	}

	private track(round: RoundRecord) {
		const key = roundKey(round.practiceId, round.boardId as BoardId);
		const timer = setTimeout(
			// Timers may fire a millisecond early; a round never ends before its time.
			() =>
				void this.reveal(round.practiceId, round.boardId as BoardId, Math.max(Date.now(), round.endsAt)).catch((e) =>
					this.deps.logger.warn('reveal-failed', { error: String(e) })
				),
			Math.max(0, round.endsAt - Date.now())
		);
		// Members connected to other instances write where this one does not see it live: count from the store.
		const ticker = this.forwardOrders
			? setInterval(
					() => void this.recountAll(round.practiceId, round.boardId as BoardId).catch((e) => this.deps.logger.warn('recount-failed', { error: String(e) })),
					ROUND_RECOUNT_MS
				)
			: null;
		this.rounds.set(key, { round, timer, ticker, counts: new Map(), ready: new Set() });
	}

	/**
	 * Several instances (Redis): orders for a round this instance does not run
	 * go to the others (see server/redis.ts createControlChannel); set by createZwerm.
	 */
	forwardOrders: ((order: RoundOrder) => Promise<void>) | null = null;

	/** An order from another instance: carried out if this instance runs that round. */
	async handleOrder(order: RoundOrder): Promise<void> {
		if (!this.rounds.has(roundKey(order.practiceId, order.boardId))) return;
		if (order.kind === 'ready') await this.markReady(order.practiceId, order.boardId, order.memberId, order.ready);
		else await this.reveal(order.practiceId, order.boardId).catch((e: unknown) => {
			if ((e as { code?: string }).code !== 'no-round') throw e;
		});
	}

	/** The round the practice document says runs on this board now, wherever it runs. */
	private async sharedRound(practiceId: PracticeId, boardId: BoardId): Promise<RoundInfo | null> {
		if (!this.deps.readDocument) return null;
		const round = readPractice(await this.deps.readDocument(practiceDoc(practiceId))).rounds.get(boardId);
		return round && round.revealedAt === null && round.endsAt > Date.now() ? round : null;
	}

	/** Counts every member's notes of the round from their documents as stored. */
	private async recountAll(practiceId: PracticeId, boardId: BoardId): Promise<void> {
		const open = this.rounds.get(roundKey(practiceId, boardId));
		if (!open || !this.deps.readDocument) return;
		let changed = false;
		for (const m of await this.deps.storage.listMembers(practiceId)) {
			if (m.role === 'observer') continue;
			const doc = await this.deps.readDocument(privateDoc(practiceId, boardId, m.id));
			let n = 0;
			notesMap(doc).forEach((note) => {
				if (note instanceof Y.Map && readPrivateState(note).round === open.round.id) n++;
			});
			if ((open.counts.get(m.id) ?? 0) !== n) {
				open.counts.set(m.id, n);
				changed = true;
			}
		}
		if (changed && this.rounds.get(roundKey(practiceId, boardId)) === open) await this.publishRound(practiceId, boardId);
	}

	async startRound(practiceId: PracticeId, boardId: BoardId, durationMs: number, now = Date.now()): Promise<RoundRecord> {
		if (this.rounds.has(roundKey(practiceId, boardId)) || (await this.sharedRound(practiceId, boardId))) {
			throw new ServiceError('round-running', 'A silent round is already running on this board.');
		}
		const round: RoundRecord = { id: randomId(12), practiceId, boardId, startedAt: now, endsAt: now + durationMs, revealedAt: null };
		await this.deps.storage.createRound(round);
		this.track(round);
		await this.publishRound(practiceId, boardId);
		return round;
	}

	async markReady(practiceId: PracticeId, boardId: BoardId, memberId: MemberId, ready: boolean): Promise<void> {
		const open = this.rounds.get(roundKey(practiceId, boardId));
		if (!open && this.forwardOrders && (await this.sharedRound(practiceId, boardId))) {
			return this.forwardOrders({ kind: 'ready', practiceId, boardId, memberId, ready });
		}
		if (!open) throw new ServiceError('no-round', 'No silent round is running on this board.');
		if (ready) open.ready.add(memberId);
		else open.ready.delete(memberId);
		await this.publishRound(practiceId, boardId);
	}

	private async recount(privateName: string): Promise<void> {
		const parsed = parseDocName(privateName);
		if (parsed?.kind !== 'private') return;
		const open = this.rounds.get(roundKey(parsed.practiceId, parsed.boardId));
		if (!open) return;
		const source = await this.deps.openDirect(privateName);
		try {
			let n = 0;
			notesMap(source.document!).forEach((note) => {
				if (note instanceof Y.Map && readPrivateState(note).round === open.round.id) n++;
			});
			open.counts.set(parsed.memberId, n);
		} finally {
			await source.disconnect();
		}
		await this.publishRound(parsed.practiceId, parsed.boardId);
	}

	/** Writes what everyone may know of a round: times, counts, who is ready. Never content. */
	private async publishRound(practiceId: PracticeId, boardId: BoardId, revealedAt: number | null = null, ended?: OpenRound) {
		const open = ended ?? this.rounds.get(roundKey(practiceId, boardId));
		const round = open?.round;
		if (!round) return;
		const counts = open ? [...open.counts.values()].filter((n) => n > 0) : [];
		const info: RoundInfo = {
			id: round.id,
			startedAt: round.startedAt,
			endsAt: round.endsAt,
			revealedAt,
			notes: counts.reduce((a, b) => a + b, 0),
			people: counts.length,
			ready: open ? [...open.ready] : []
		};
		const practice = await this.deps.openDirect(practiceDoc(practiceId));
		try {
			practice.document!.transact(() => writeRound(practice.document!, boardId, info), SERVER_ORIGIN);
			await this.deps.whenStored();
		} finally {
			await practice.disconnect();
		}
	}

	/**
	 * Ends a round: every note written in it becomes what its author chose, in
	 * one synchronous pass after all documents are open, so they appear together.
	 */
	async reveal(practiceId: PracticeId, boardId: BoardId, now = Date.now()): Promise<void> {
		const key = roundKey(practiceId, boardId);
		const open = this.rounds.get(key);
		if (!open && this.forwardOrders && (await this.sharedRound(practiceId, boardId))) {
			return this.forwardOrders({ kind: 'reveal', practiceId, boardId });
		}
		if (!open || this.revealing.has(key)) throw new ServiceError('no-round', 'No silent round is running on this board.');
		clearTimeout(open.timer);
		if (open.ticker) clearInterval(open.ticker);
		this.revealing.add(key);
		const members = (await this.deps.storage.listMembers(practiceId)).filter((m) => m.role !== 'observer');
		try {
			await this.withLocks(
				members.map((m) => privateDoc(practiceId, boardId, m.id)),
				() => this.revealUnlocked(practiceId, boardId, key, open, members, now)
			);
		} finally {
			this.revealing.delete(key);
		}
	}

	private async revealUnlocked(
		practiceId: PracticeId,
		boardId: BoardId,
		key: string,
		open: OpenRound,
		members: readonly { id: MemberId }[],
		now: number
	): Promise<void> {
		const anon = await this.deps.openDirect(anonymousDoc(practiceId, boardId));
		const opened: DirectConnection[] = [anon];
		try {
			const lanes = [];
			for (const m of members) {
				const name = privateDoc(practiceId, boardId, m.id);
				const [priv, lane] = await Promise.all([this.deps.openDirect(name), this.deps.openDirect(laneDoc(practiceId, boardId, m.id))]);
				opened.push(priv, lane);
				lanes.push({ member: m.id, name, priv: priv.document!, lane: lane.document!, links: await this.deps.storage.anonymousLinks(name) });
			}
			// From here on nothing awaits: all notes of the round change in the same turn.
			// Until now the round was still open, so mirrors kept its notes back.
			this.rounds.delete(key);
			for (const l of lanes) {
				const inRound: NoteId[] = [];
				notesMap(l.priv).forEach((note, id) => {
					if (note instanceof Y.Map && readPrivateState(note).round === open.round.id) inRound.push(id as NoteId);
				});
				for (const id of inRound) {
					const note = notesMap(l.priv).get(id) as Y.Map<unknown>;
					const { reveal } = readPrivateState(note);
					if (reveal === 'shared') {
						// Where its author put it, if that is free in their lane; else the nearest free place.
						transferNote(l.priv, l.lane, id, { createdBy: l.member, at: now, kind: 'member' }, SERVER_ORIGIN);
					} else {
						l.priv.transact(() => {
							note.delete('round');
							note.set('visibility', reveal === 'anonymous' ? 'anonymous' : 'private');
						}, SERVER_ORIGIN);
					}
				}
			}
			// Every member's anonymous notes in one shuffled write: no order or grouping to read authors from.
			const sources: MirrorSource[] = lanes.map((l) => ({ name: l.name, doc: l.priv, links: l.links }));
			const changes = applyMirrors(sources, anon.document!, new Set());
			for (const l of lanes) this.dirty.get(key)?.delete(l.name);
			await this.deps.storage.revealRound(open.round.id, now);
			for (const [name, change] of changes) await this.persistLinks(name, change);
			await this.publishRound(practiceId, boardId, now, open);
			await this.deps.whenStored();
		} finally {
			await Promise.all(opened.map((c) => c.disconnect()));
		}
	}

	roundOf(practiceId: PracticeId, boardId: BoardId): RoundRecord | null {
		return this.rounds.get(roundKey(practiceId, boardId))?.round ?? null;
	}

	// --- Bringing in an anonymous note ---------------------------------------

	/** The server writes the collective note, so nothing in it points at whoever brought it in. */
	async bringInAnonymous(practiceId: PracticeId, boardId: BoardId, anonId: NoteId, into?: NoteId): Promise<NoteId> {
		const [anon, collective] = await Promise.all([
			this.deps.openDirect(anonymousDoc(practiceId, boardId)),
			this.deps.openDirect(collectiveDoc(practiceId, boardId))
		]);
		try {
			if (!readNote(anon.document!, anonId)) throw new ServiceError('not-found', 'No such anonymous note.');
			if (into && !readNote(collective.document!, into)) throw new ServiceError('not-found', 'No such collective note.');
			const id = bringIn(collective.document!, { doc: anon.document!, memberId: null, noteId: anonId }, { createdBy: null, at: dayOf(Date.now()), into }, SERVER_ORIGIN);
			await this.deps.whenStored();
			return id;
		} finally {
			await Promise.all([anon.disconnect(), collective.disconnect()]);
		}
	}

	// --- Leaving ---------------------------------------------------------------

	/**
	 * Erases a member's private notes everywhere, also from the stored history;
	 * their shared notes are erased too or kept without their name. Their
	 * anonymous notes stay as they are, and the server's link from each to its
	 * author is erased: after this nobody, the operator included, can tie them
	 * to the leaver. The anonymous document's history (everyone's) is untouched.
	 */
	async erase(practiceId: PracticeId, memberId: MemberId, shared: 'erase' | 'anonymize', now = Date.now()): Promise<void> {
		const practice = await this.deps.storage.getPractice(practiceId);
		if (!practice) throw new ServiceError('not-found', 'No such practice.');
		const names = boardsOf(practice.framework).map((a) => privateDoc(practiceId, a.id as BoardId, memberId));
		return this.withLocks(names, () => this.eraseUnlocked(practice, memberId, shared, now));
	}

	private async eraseUnlocked(
		practice: { id: PracticeId; framework: import('../src/lib/domain/frameworks.ts').Framework },
		memberId: MemberId,
		shared: 'erase' | 'anonymize',
		now: number
	): Promise<void> {
		const practiceId = practice.id;
		const erased: { doc: string; ydoc: Y.Doc }[] = [];
		const opened: DirectConnection[] = [];
		try {
			for (const aspect of boardsOf(practice.framework)) {
				const boardId = aspect.id as BoardId;
				const names = [privateDoc(practiceId, boardId, memberId), laneDoc(practiceId, boardId, memberId)];
				const [priv, lane, anon] = await Promise.all([...names, anonymousDoc(practiceId, boardId)].map((n) => this.deps.openDirect(n)));
				opened.push(priv, lane, anon);
				// Their anonymous notes stay: they belong to the group's work, and deleting them the
				// moment the name leaves the member list would name their author. The link
				// from each to its private source is forgotten first (so the mirror leaves
				// them alone when the sources go), and nothing else ties them to the leaver.
				await this.deps.storage.unlinkAnonymousSources([names[0]]);
				if (shared === 'anonymize') {
					// Everyone saw these with the leaver's name; kept, they go in one write, each at a free place.
					const laneDocument = lane.document!;
					const space = occupancyOf(anon.document!, 'anonymous');
					anon.document!.transact(() => {
						for (const data of listNotes(laneDocument)) {
							const id = newNoteId();
							const nodes = noteContent(laneDocument, data.id).toArray() as (Y.XmlElement | Y.XmlText)[];
							const place = { ...space.placeAndAdd(id), kind: 'anonymous' as const };
							createNote(anon.document!, { id, createdBy: null, at: dayOf(now), color: data.color, place, nodes }, SERVER_ORIGIN);
						}
					}, SERVER_ORIGIN);
				}
				for (const conn of [priv, lane]) {
					const doc = conn.document!;
					doc.transact(() => [...notesMap(doc).keys()].forEach((id) => deleteNote(doc, id as NoteId)), SERVER_ORIGIN);
				}
				erased.push({ doc: names[0], ydoc: priv.document! }, { doc: names[1], ydoc: lane.document! });
			}
			// Their name goes too: from the practice document and its history, and from the log.
			const practiceConn = await this.deps.openDirect(practiceDoc(practiceId));
			opened.push(practiceConn);
			practiceConn.document!.transact(() => removeMemberInfo(practiceConn.document!, memberId), SERVER_ORIGIN);
			erased.push({ doc: practiceDoc(practiceId), ydoc: practiceConn.document! });
			await this.deps.whenStored();
			await this.deps.storage.forgetMember(memberId);
			await this.deps.storage.eraseHistory(erased.map(({ doc, ydoc }) => ({ doc, state: Y.encodeStateAsUpdateV2(ydoc) })));
		} finally {
			await Promise.all(opened.map((c) => c.disconnect()));
		}
	}
}

const roundKey = (practiceId: string, boardId: string) => `${practiceId}/${boardId}`;

/** What one instance asks of the instance that runs a round (several instances, Redis). */
export type RoundOrder =
	| { readonly kind: 'ready'; readonly practiceId: PracticeId; readonly boardId: BoardId; readonly memberId: MemberId; readonly ready: boolean }
	| { readonly kind: 'reveal'; readonly practiceId: PracticeId; readonly boardId: BoardId };

/** How often the instance running a round recounts members' notes written on other instances. */
const ROUND_RECOUNT_MS = 1500;

interface OpenRound {
	readonly round: RoundRecord;
	readonly timer: ReturnType<typeof setTimeout>;
	/** With several instances: recounts what members write elsewhere. */
	readonly ticker: ReturnType<typeof setInterval> | null;
	readonly counts: Map<string, number>;
	readonly ready: Set<string>;
}
