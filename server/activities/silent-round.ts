import * as Y from 'yjs';
import { z } from 'zod';
import { readActivity, writeActivity, type RoundInfo } from '#lib/domain/activities.ts';
import { parseDocName, practiceDoc, privateDoc } from '#lib/domain/docnames.ts';
import { randomId, type BoardId, type MemberId, type PracticeId } from '#lib/domain/ids.ts';
import { notesMap } from '#lib/domain/notes.ts';
import { readPrivateState } from '#lib/domain/visibility.ts';
import { boardKey, type AnonymousMirror } from '../anonymous-mirror.ts';
import { ServiceError } from '../errors.ts';
import { SERVER_ORIGIN } from '../mirror.ts';
import type { ActivityOrder, ServiceContext } from '../service-context.ts';
import { openReveal, revealNotes } from './reveal.ts';
import { membersOf, roundsOf, type RoundRecord } from '../records.ts';
import { ActivityTimers } from './timer.ts';
import { type ActivityHandler, type Caller, type Where } from './types.ts';

/** How often the instance running a round recounts members' notes written on other instances. */
const ROUND_RECOUNT_MS = 1500;

const StartRound = z.strictObject({ minutes: z.number().min(0.05).max(120) });
const Ready = z.strictObject({ ready: z.boolean() });

interface OpenRound {
	readonly round: RoundRecord;
	/** With several instances: recounts what members write elsewhere. */
	readonly ticker: ReturnType<typeof setInterval> | null;
	readonly counts: Map<string, number>;
	readonly ready: Set<string>;
}

/**
 * Silent rounds: for a set time everyone writes alone, unseen; then every
 * note written in the round becomes what its author chose, all at once.
 * Everyone sees only times, counts and who is ready (the practice
 * document's activity), never content. The instance that started a round
 * runs it: its timer, counts and reveal; the others forward `ready` and the
 * early end to it (Redis).
 */
export class SilentRounds implements ActivityHandler {
	readonly kind = 'silent-round' as const;
	private readonly ctx: ServiceContext;
	private readonly mirror: AnonymousMirror;
	private readonly rounds = new Map<string, OpenRound>();
	private readonly revealing = new Set<string>();
	private readonly countTimers = new Map<string, ReturnType<typeof setTimeout>>();
	private readonly timers: ActivityTimers;

	readonly actions = {
		ready: {
			method: 'POST' as const,
			roles: ['facilitator', 'participant'] as const,
			run: async ({ practiceId, boardId }: Where, caller: Caller, body: unknown) => {
				await this.markReady(practiceId, boardId, caller.memberId, Ready.parse(body).ready);
				return { body: { ok: true } };
			}
		}
	};

	constructor(ctx: ServiceContext, mirror: AnonymousMirror) {
		this.ctx = ctx;
		this.mirror = mirror;
		this.timers = new ActivityTimers((e) => this.ctx.logger.warn('reveal-failed', { error: String(e) }));
		// A round's notes wait for its reveal, also when the round runs on another instance.
		mirror.heldBack = (practiceId, boardId) => this.openRoundIds(practiceId, boardId);
	}

	async start({ practiceId, boardId }: Where, _caller: Caller, body: unknown) {
		const { minutes } = StartRound.parse(body);
		const round = await this.startRound(practiceId, boardId, Math.round(minutes * 60_000));
		return { status: 201, body: { id: round.id, endsAt: new Date(round.endsAt).toISOString() } };
	}

	/** Ending a round early reveals it. */
	async end({ practiceId, boardId }: Where) {
		await this.reveal(practiceId, boardId);
		return { body: { ok: true } };
	}

	onDocumentChange(name: string): void {
		const parsed = parseDocName(name);
		if (parsed?.kind !== 'private' || !this.rounds.has(boardKey(parsed.practiceId, parsed.boardId))) return;
		clearTimeout(this.countTimers.get(name));
		this.countTimers.set(
			name,
			setTimeout(() => {
				this.countTimers.delete(name);
				this.recount(name).catch((error) => this.ctx.logger.warn('privacy-task-failed', { task: 'recount', error: String(error) }));
			}, 300)
		);
	}

	/** After a restart: rounds still running get their timers back; overdue ones are revealed. */
	async restore(): Promise<void> {
		for (const round of roundsOf(await this.ctx.storage.records.rounds.open())) this.track(round);
	}

	async stop(): Promise<void> {
		for (const timer of this.countTimers.values()) clearTimeout(timer);
		this.countTimers.clear();
		this.timers.stop();
		for (const { ticker } of this.rounds.values()) if (ticker) clearInterval(ticker);
	}

	/** An order from another instance: carried out if this instance runs that round. */
	async handleOrder(order: ActivityOrder): Promise<void> {
		const practiceId = order.practiceId as PracticeId;
		const boardId = order.boardId as BoardId;
		if (!this.rounds.has(boardKey(practiceId, boardId))) return;
		if (order.action === 'ready') await this.markReady(practiceId, boardId, order.memberId as MemberId, Ready.parse(order.body).ready);
		else if (order.action === 'end') {
			await this.reveal(practiceId, boardId).catch((e: unknown) => {
				if ((e as { code?: string }).code !== 'no-round') throw e;
			});
		}
	}

	/**
	 * The rounds whose notes must not be mirrored yet: the one this instance
	 * runs, and the one the practice document says is open — with several
	 * instances (Redis), the round may run on another one, and an anonymous
	 * note written here during it must stay unseen until that one reveals.
	 */
	private async openRoundIds(practiceId: PracticeId, boardId: BoardId): Promise<Set<string>> {
		const open = this.rounds.get(boardKey(practiceId, boardId));
		const ids = new Set<string>(open ? [open.round.id] : []);
		const shared = readActivity(await this.ctx.documents.read(practiceDoc(practiceId)), 'silent-round', boardId);
		if (shared && shared.revealedAt === null && !this.revealing.has(boardKey(practiceId, boardId))) ids.add(shared.id);
		return ids;
	}

	private track(round: RoundRecord) {
		const key = boardKey(round.practiceId, round.boardId);
		this.timers.at(key, round.endsAt, (now) => this.reveal(round.practiceId, round.boardId as BoardId, now));
		// Members connected to other instances write where this one does not see it live: count from the store.
		const ticker = this.ctx.bus
			? setInterval(
					() => void this.recountAll(round.practiceId, round.boardId as BoardId).catch((e) => this.ctx.logger.warn('recount-failed', { error: String(e) })),
					ROUND_RECOUNT_MS
				)
			: null;
		this.rounds.set(key, { round, ticker, counts: new Map(), ready: new Set() });
	}

	/** The round the practice document says runs on this board now, wherever it runs. */
	private async sharedRound(practiceId: PracticeId, boardId: BoardId): Promise<RoundInfo | null> {
		const round = readActivity(await this.ctx.documents.read(practiceDoc(practiceId)), 'silent-round', boardId);
		return round && round.revealedAt === null && round.endsAt > Date.now() ? round : null;
	}

	/** Another instance runs this round: send it the order. */
	private async forwarded(where: Where, action: string, memberId: MemberId | null, body: unknown): Promise<boolean> {
		if (!this.ctx.bus || this.rounds.has(boardKey(where.practiceId, where.boardId)) || !(await this.sharedRound(where.practiceId, where.boardId))) return false;
		await this.ctx.bus.forwardActivity({ activity: this.kind, action, practiceId: where.practiceId, boardId: where.boardId, memberId, body });
		return true;
	}

	private countIn(doc: Y.Doc, roundId: string): number {
		let n = 0;
		notesMap(doc).forEach((note) => {
			if (note instanceof Y.Map && readPrivateState(note).round === roundId) n++;
		});
		return n;
	}

	/** Counts every member's notes of the round from their documents as stored. */
	private async recountAll(practiceId: PracticeId, boardId: BoardId): Promise<void> {
		const open = this.rounds.get(boardKey(practiceId, boardId));
		if (!open) return;
		let changed = false;
		for (const m of membersOf(await this.ctx.storage.records.members.list(practiceId))) {
			if (m.role === 'observer') continue;
			const n = this.countIn(await this.ctx.documents.read(privateDoc(practiceId, boardId, m.id)), open.round.id);
			if ((open.counts.get(m.id) ?? 0) !== n) {
				open.counts.set(m.id, n);
				changed = true;
			}
		}
		if (changed && this.rounds.get(boardKey(practiceId, boardId)) === open) await this.publish(practiceId, boardId);
	}

	async startRound(practiceId: PracticeId, boardId: BoardId, durationMs: number, now = Date.now()): Promise<RoundRecord> {
		if (this.rounds.has(boardKey(practiceId, boardId)) || (await this.sharedRound(practiceId, boardId))) {
			throw new ServiceError('round-running', 'A silent round is already running on this board.');
		}
		const round: RoundRecord = { id: randomId(12), practiceId, boardId, startedAt: now, endsAt: now + durationMs, revealedAt: null };
		await this.ctx.storage.records.rounds.create(round);
		this.track(round);
		await this.publish(practiceId, boardId);
		return round;
	}

	async markReady(practiceId: PracticeId, boardId: BoardId, memberId: MemberId, ready: boolean): Promise<void> {
		if (await this.forwarded({ practiceId, boardId }, 'ready', memberId, { ready })) return;
		const open = this.rounds.get(boardKey(practiceId, boardId));
		if (!open) throw new ServiceError('no-round', 'No silent round is running on this board.');
		if (ready) open.ready.add(memberId);
		else open.ready.delete(memberId);
		await this.publish(practiceId, boardId);
	}

	private async recount(privateName: string): Promise<void> {
		const parsed = parseDocName(privateName);
		if (parsed?.kind !== 'private') return;
		const open = this.rounds.get(boardKey(parsed.practiceId, parsed.boardId));
		if (!open) return;
		const source = await this.ctx.documents.open(privateName);
		try {
			open.counts.set(parsed.memberId, this.countIn(source.document!, open.round.id));
		} finally {
			await source.disconnect();
		}
		await this.publish(parsed.practiceId, parsed.boardId);
	}

	/** Writes what everyone may know of a round: times, counts, who is ready. Never content. */
	private async publish(practiceId: PracticeId, boardId: BoardId, revealedAt: number | null = null, ended?: OpenRound) {
		const open = ended ?? this.rounds.get(boardKey(practiceId, boardId));
		if (!open) return;
		const { round } = open;
		const counts = [...open.counts.values()].filter((n) => n > 0);
		const info: RoundInfo = {
			id: round.id,
			startedAt: round.startedAt,
			endsAt: round.endsAt,
			revealedAt,
			notes: counts.reduce((a, b) => a + b, 0),
			people: counts.length,
			ready: [...open.ready]
		};
		const practice = await this.ctx.documents.open(practiceDoc(practiceId));
		try {
			writeActivity(practice.document!, { kind: 'silent-round', boardId, ...info }, SERVER_ORIGIN);
			await this.ctx.documents.whenStored();
		} finally {
			await practice.disconnect();
		}
	}

	/**
	 * Ends a round: every note written in it becomes what its author chose, in
	 * one synchronous pass after all documents are open, so they appear together.
	 */
	async reveal(practiceId: PracticeId, boardId: BoardId, now = Date.now()): Promise<void> {
		if (await this.forwarded({ practiceId, boardId }, 'end', null, {})) return;
		const key = boardKey(practiceId, boardId);
		const open = this.rounds.get(key);
		if (!open || this.revealing.has(key)) throw new ServiceError('no-round', 'No silent round is running on this board.');
		this.timers.cancel(key);
		if (open.ticker) clearInterval(open.ticker);
		this.revealing.add(key);
		const members = membersOf(await this.ctx.storage.records.members.list(practiceId)).filter((m) => m.role !== 'observer');
		try {
			await this.mirror.withLocks(
				members.map((m) => privateDoc(practiceId, boardId, m.id)),
				() => this.revealUnlocked(practiceId, boardId, key, open, members, now)
			);
		} finally {
			this.revealing.delete(key);
		}
	}

	private async revealUnlocked(practiceId: PracticeId, boardId: BoardId, key: string, open: OpenRound, members: readonly { id: MemberId }[], now: number): Promise<void> {
		const docs = await openReveal(this.ctx, practiceId, boardId, members);
		try {
			// From here on nothing awaits until every note of the round has changed (revealNotes), in the same turn.
			// Until now the round was still open, so mirrors kept its notes back.
			this.rounds.delete(key);
			revealNotes(docs.lanes, open.round.id, now);
			// Every member's anonymous notes in one shuffled write: no order or grouping to read authors from.
			await this.mirror.write(docs.sources, docs.anon, new Set(), true);
			await this.ctx.storage.records.rounds.reveal(open.round.id, now);
			await this.publish(practiceId, boardId, now, open);
			await this.ctx.documents.whenStored();
		} finally {
			await docs.close();
		}
	}

	roundOf(practiceId: PracticeId, boardId: BoardId): RoundRecord | null {
		return this.rounds.get(boardKey(practiceId, boardId))?.round ?? null;
	}
}
