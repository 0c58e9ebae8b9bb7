import * as Y from 'yjs';
import { randomInt } from 'node:crypto';
import { anonymousDoc, collectiveDoc, parseDocName } from '#lib/domain/docnames.ts';
import { randomId, type BoardId, type NoteId, type PracticeId } from '#lib/domain/ids.ts';
import { bringIn, readNote } from '#lib/domain/notes.ts';
import { anonymousNotes, dayOf } from '#lib/domain/visibility.ts';
import { SERVER_ORIGIN, applyMirrors, type MirrorChange, type MirrorSource } from './mirror.ts';
import { ServiceError } from './errors.ts';
import type { DirectConnection, ServiceContext } from './service-context.ts';

export { SERVER_ORIGIN } from './mirror.ts';

/** The board a document belongs to, as the key the mirror keeps per board. */
export const boardKey = (practiceId: string, boardId: string) => `${practiceId}/${boardId}`;

/**
 * Keeps the anonymous lane of every board: copies members' anonymous notes
 * from their private documents into the server-written anonymous document,
 * so no client id, name, order or moment leads to an author, and brings an
 * anonymous note into the collective lane without naming who did.
 *
 * Mirror writes are per board, not per author: a tick comes at a random
 * moment 1–2× `mirrorDelayMs` after the first waiting change, and writes what
 * every quiet private document of the board changed as one shuffled
 * transaction (applyMirrors). Notes of a running silent round are held back
 * (`heldBack`) until its reveal writes them all at once.
 */
export class AnonymousMirror {
	private readonly ctx: ServiceContext;
	/** Per board: the private documents changed since their last mirror write, and when they last changed. */
	private readonly dirty = new Map<string, Map<string, number>>();
	/** Per board: the next mirror write. */
	private readonly ticks = new Map<string, ReturnType<typeof setTimeout>>();
	private readonly locks = new Map<string, Promise<void>>();
	/**
	 * A board's mirror write comes this long after the first change waiting for
	 * it, plus a random part of as much again; it takes every private document
	 * quiet for at least half of it, so an anonymous note does not change the
	 * instant its author types.
	 */
	mirrorDelayMs = 2000;
	/** The ids of rounds whose notes must not be mirrored yet (set by the activities). */
	heldBack: (practiceId: PracticeId, boardId: BoardId) => Promise<ReadonlySet<string>> = async () => new Set();

	constructor(ctx: ServiceContext) {
		this.ctx = ctx;
	}

	/** Called for every change of a loaded document. */
	onDocumentChange(name: string): void {
		const parsed = parseDocName(name);
		if (parsed?.kind !== 'private') return;
		const board = boardKey(parsed.practiceId, parsed.boardId);
		let changed = this.dirty.get(board);
		if (!changed) this.dirty.set(board, (changed = new Map()));
		changed.set(name, Date.now());
		this.schedule(board);
	}

	private schedule(board: string): void {
		if (this.ticks.has(board)) return;
		const delay = this.mirrorDelayMs + randomInt(Math.max(1, Math.round(this.mirrorDelayMs)) + 1);
		this.ticks.set(
			board,
			setTimeout(() => {
				this.ticks.delete(board);
				this.tick(board).catch((error) => this.ctx.logger.warn('privacy-task-failed', { task: 'mirror', error: String(error) }));
			}, delay)
		);
	}

	private async tick(board: string, all = false): Promise<void> {
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
			if (this.dirty.has(board)) this.schedule(board);
		}
	}

	/** Runs pending mirror writes now (shutdown) and stops all timers. */
	async stop(): Promise<void> {
		for (const timer of this.ticks.values()) clearTimeout(timer);
		this.ticks.clear();
		for (const board of [...this.dirty.keys()]) {
			await this.tick(board, true).catch((error) => this.ctx.logger.warn('privacy-task-failed', { error: String(error) }));
		}
		for (const timer of this.ticks.values()) clearTimeout(timer);
		this.ticks.clear();
	}

	/**
	 * Runs `fn` while holding the named locks (taken in a fixed order). Mirror,
	 * reveal and erase read a private document's links and write them back; two
	 * of them interleaving on one document could mirror a note twice.
	 */
	async withLocks<T>(names: readonly string[], fn: () => Promise<T>): Promise<T> {
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

	/** Brings the anonymous document in line with these private documents (all of one board), in one write. */
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
		const anon = await this.ctx.documents.open(anonymousDoc(practiceId, boardId));
		const opened: DirectConnection[] = [anon];
		try {
			const sources: MirrorSource[] = [];
			for (const name of names) {
				const source = await this.ctx.documents.open(name);
				opened.push(source);
				sources.push({ name, doc: source.document!, links: await this.ctx.storage.records.anonymousLinks.of(name) });
			}
			await this.write(sources, anon.document!, await this.heldBack(practiceId, boardId));
			await this.ctx.documents.whenStored();
		} finally {
			await Promise.all(opened.map((c) => c.disconnect()));
		}
	}

	/**
	 * Writes these sources' anonymous notes into the anonymous document in one
	 * shuffled transaction and keeps the links. The caller holds the sources'
	 * locks. A silent round's reveal writes with nothing held back, and then no
	 * mirror write waits for these sources any more (`settled`).
	 */
	async write(sources: readonly MirrorSource[], anon: Y.Doc, heldBack: ReadonlySet<string>, settled = false): Promise<void> {
		const changes = applyMirrors(await this.claimed(sources, heldBack), anon, heldBack);
		if (settled) {
			for (const s of sources) {
				const p = parseDocName(s.name);
				if (p?.kind === 'private') this.dirty.get(boardKey(p.practiceId, p.boardId))?.delete(s.name);
			}
		}
		for (const [name, change] of changes) await this.persistLinks(name, change);
	}

	/**
	 * The sources with a link for every note that gets its first anonymous copy
	 * now, claimed before the copy is written. The locks above are this
	 * instance's; another instance may mirror the same document at the same
	 * moment (a reveal on one, the author's changes arriving on the other).
	 * Both then get the one id the store keeps and write the same note, where
	 * each writing an id of its own would leave two copies.
	 */
	private async claimed(sources: readonly MirrorSource[], heldBack: ReadonlySet<string>): Promise<MirrorSource[]> {
		const out: MirrorSource[] = [];
		for (const source of sources) {
			const linked = new Set(source.links.map((l) => l.noteId));
			const links = [...source.links];
			for (const noteId of anonymousNotes(source.doc, heldBack)) {
				if (linked.has(noteId)) continue;
				links.push({ noteId, anonId: await this.ctx.storage.records.anonymousLinks.claim(randomId(16), source.name, noteId) });
			}
			out.push({ ...source, links });
		}
		return out;
	}

	private async persistLinks(privateName: string, change: MirrorChange) {
		for (const { anonId, noteId } of change.added) await this.ctx.storage.records.anonymousLinks.claim(anonId, privateName, noteId);
		if (change.removed.length) await this.ctx.storage.records.anonymousLinks.unlink(change.removed);
	}

	/** The server writes the collective note, so nothing in it points at whoever brought it in. */
	async bringIn(practiceId: PracticeId, boardId: BoardId, anonId: NoteId, into?: NoteId): Promise<NoteId> {
		const [anon, collective] = await Promise.all([
			this.ctx.documents.open(anonymousDoc(practiceId, boardId)),
			this.ctx.documents.open(collectiveDoc(practiceId, boardId))
		]);
		try {
			if (!readNote(anon.document!, anonId)) throw new ServiceError('not-found', 'No such anonymous note.');
			if (into && !readNote(collective.document!, into)) throw new ServiceError('not-found', 'No such collective note.');
			const id = bringIn(collective.document!, { doc: anon.document!, memberId: null, noteId: anonId }, { createdBy: null, at: dayOf(Date.now()), into }, SERVER_ORIGIN);
			await this.ctx.documents.whenStored();
			return id;
		} finally {
			await Promise.all([anon.disconnect(), collective.disconnect()]);
		}
	}
}
