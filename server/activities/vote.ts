import { z } from 'zod';
import { readActivity, writeActivity, type VoteInfo } from '#lib/domain/activities.ts';
import { collectiveDoc, practiceDoc } from '#lib/domain/docnames.ts';
import { randomId, type BoardId, type MemberId, type PracticeId } from '#lib/domain/ids.ts';
import { notesMap } from '#lib/domain/notes.ts';
import { boardKey } from '../anonymous-mirror.ts';
import { ServiceError } from '../errors.ts';
import type { MarkInput } from '../meetings.ts';
import { SERVER_ORIGIN } from '../mirror.ts';
import type { ActivityOrder, ServiceContext } from '../service-context.ts';
import type { DotRefusal, StoredVote } from '../storage/types.ts';
import { ActivityTimers } from './timer.ts';
import { type ActivityHandler, type Caller, type Where } from './types.ts';

/** The most dots per member a facilitator may hand out. */
export const MAX_DOTS = 20;
/** How long the instance running a vote waits for more dots before it publishes the `done` count. */
const PUBLISH_AFTER_MS = 150;
/** How long a request to close waits for another instance that runs the vote before it closes it itself. */
const FORWARD_WAIT_MS = 3000;

const StartVote = z
	.strictObject({
		dots: z.number().int().min(1).max(MAX_DOTS).default(3),
		perNote: z.number().int().min(1).max(MAX_DOTS).optional(),
		minutes: z.number().min(0.05).max(120).nullish()
	})
	.refine((v) => v.perNote === undefined || v.perNote <= v.dots, { message: 'perNote must not be more than dots.', path: ['perNote'] });
const Dot = z.strictObject({ noteId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/) });

const REFUSED: Record<DotRefusal, string> = {
	closed: 'No vote is open on this board.',
	'no-dots-left': 'You have placed all your dots.',
	'note-full': 'You have placed as many dots on this note as you may.',
	'not-placed': 'You have no dot on this note.'
};

/** What one member may know of the open vote: their own dots, nobody else's, no totals. */
export interface MyDots {
	readonly id: string;
	readonly dots: number;
	readonly perNote: number;
	readonly left: number;
	readonly mine: Readonly<Record<string, number>>;
}

/** Places a mark on the timeline (Meetings.mark). */
export type Marker = (practiceId: PracticeId, mark: MarkInput) => Promise<unknown>;

/**
 * Dot votes on a board's collective notes. The dots are server state
 * (storage records: `votes`, `vote_dots`), never in a document members write,
 * and the records check every limit in one transaction. While a vote is open
 * a member learns only their own dots; everyone learns how many members have
 * placed all of theirs. Closing computes the totals, deletes who gave which
 * dot, and writes the ranked totals into the practice document and a mark on
 * the timeline.
 *
 * With several instances the one that opened a vote runs it: its timer, the
 * `done` count and the close, so the practice document has one writer per
 * vote. Dots go to the database from any instance; the others tell the
 * runner (Redis) to count again, and forward a close.
 */
export class Votes implements ActivityHandler {
	readonly kind = 'vote' as const;
	private readonly ctx: ServiceContext;
	private readonly mark: Marker;
	/** The votes this instance runs, by board. */
	private readonly running = new Map<string, StoredVote>();
	private readonly timers: ActivityTimers;
	private readonly publishTimers = new Map<string, ReturnType<typeof setTimeout>>();

	readonly actions = {
		/** My dots and how many I have left. */
		mine: {
			method: 'GET' as const,
			roles: ['facilitator', 'participant'] as const,
			run: async (where: Where, caller: Caller) => ({ body: await this.myDots(where, caller.memberId) })
		},
		place: {
			method: 'POST' as const,
			roles: ['facilitator', 'participant'] as const,
			run: async (where: Where, caller: Caller, body: unknown) => ({ body: await this.dot(where, caller.memberId, Dot.parse(body).noteId, 1) })
		},
		take: {
			method: 'POST' as const,
			roles: ['facilitator', 'participant'] as const,
			run: async (where: Where, caller: Caller, body: unknown) => ({ body: await this.dot(where, caller.memberId, Dot.parse(body).noteId, -1) })
		}
	};

	constructor(ctx: ServiceContext, mark: Marker) {
		this.ctx = ctx;
		this.mark = mark;
		this.timers = new ActivityTimers((e) => this.ctx.logger.warn('vote-close-failed', { error: String(e) }));
	}

	async start({ practiceId, boardId }: Where, _caller: Caller, body: unknown) {
		const input = StartVote.parse(body);
		const now = Date.now();
		const vote: StoredVote = {
			id: randomId(12),
			practiceId,
			boardId,
			dots: input.dots,
			perNote: input.perNote ?? input.dots,
			startedAt: now,
			endsAt: input.minutes ? now + Math.round(input.minutes * 60_000) : null,
			closedAt: null,
			result: null
		};
		if (!(await this.ctx.storage.records.votes.create(vote))) throw new ServiceError('vote-running', 'A vote is already open on this board.');
		this.track(vote);
		await this.publish(vote, 0, null);
		return { status: 201, body: voteJson(vote) };
	}

	async end({ practiceId, boardId }: Where, caller: Caller) {
		const result = await this.close(practiceId, boardId, caller.memberId);
		return { body: { result } };
	}

	async restore(): Promise<void> {
		for (const vote of await this.ctx.storage.records.votes.open()) this.track(vote);
	}

	async stop(): Promise<void> {
		this.timers.stop();
		for (const timer of this.publishTimers.values()) clearTimeout(timer);
		this.publishTimers.clear();
	}

	async handleOrder(order: ActivityOrder): Promise<void> {
		const key = boardKey(order.practiceId as PracticeId, order.boardId as BoardId);
		const vote = this.running.get(key);
		if (!vote) return;
		if (order.action === 'recount') this.schedulePublish(vote);
		else if (order.action === 'end') await this.closeRunning(vote, typeof order.memberId === 'string' ? (order.memberId as MemberId) : null);
	}

	private track(vote: StoredVote): void {
		const key = boardKey(vote.practiceId as PracticeId, vote.boardId as BoardId);
		this.running.set(key, vote);
		if (vote.endsAt !== null) this.timers.at(key, vote.endsAt, (now) => this.closeRunning(vote, null, now).then(() => undefined));
	}

	/** The board's open vote; refused once its timer has run out, also before the runner has closed it. */
	private async openVote(practiceId: string, boardId: string, now = Date.now()): Promise<StoredVote> {
		const vote = await this.ctx.storage.records.votes.openOn(practiceId, boardId);
		if (!vote || (vote.endsAt !== null && now >= vote.endsAt)) throw new ServiceError('no-vote', REFUSED.closed);
		return vote;
	}

	async myDots({ practiceId, boardId }: Where, memberId: MemberId): Promise<MyDots> {
		const vote = await this.openVote(practiceId, boardId);
		return this.dotsOf(vote, memberId);
	}

	private async dotsOf(vote: StoredVote, memberId: MemberId): Promise<MyDots> {
		const mine = await this.ctx.storage.records.votes.mine(vote.id, memberId);
		const used = [...mine.values()].reduce((a, b) => a + b, 0);
		return { id: vote.id, dots: vote.dots, perNote: vote.perNote, left: Math.max(0, vote.dots - used), mine: Object.fromEntries(mine) };
	}

	/** Places or takes back one of the caller's dots: only on a note in the collective lane, within the limits, while open. */
	async dot({ practiceId, boardId }: Where, memberId: MemberId, noteId: string, delta: 1 | -1): Promise<MyDots> {
		const vote = await this.openVote(practiceId, boardId);
		if (delta > 0 && !notesMap(await this.ctx.documents.read(collectiveDoc(practiceId, boardId))).has(noteId)) {
			throw new ServiceError('not-found', 'No such note in the collective lane.');
		}
		const refused = await this.ctx.storage.records.votes.dot(vote.id, memberId, noteId, delta);
		if (refused) throw new ServiceError(refused === 'closed' ? 'no-vote' : refused, REFUSED[refused]);
		await this.changed(vote);
		return this.dotsOf(vote, memberId);
	}

	/** Someone's dots changed: the runner counts again who has placed all. */
	private async changed(vote: StoredVote): Promise<void> {
		const key = boardKey(vote.practiceId as PracticeId, vote.boardId as BoardId);
		if (this.running.has(key)) this.schedulePublish(vote);
		else await this.ctx.bus?.forwardActivity({ activity: this.kind, action: 'recount', practiceId: vote.practiceId, boardId: vote.boardId, memberId: null, body: {} });
	}

	/** Publishes the `done` count shortly, once for a burst of dots. */
	private schedulePublish(vote: StoredVote): void {
		const key = boardKey(vote.practiceId as PracticeId, vote.boardId as BoardId);
		if (this.publishTimers.has(key)) return;
		this.publishTimers.set(
			key,
			setTimeout(() => {
				this.publishTimers.delete(key);
				if (this.running.get(key)?.id !== vote.id) return;
				void this.ctx.storage.records.votes
					.done(vote.id)
					.then((done) => (this.running.get(key)?.id === vote.id ? this.publish(vote, done, null) : undefined))
					.catch((e) => this.ctx.logger.warn('vote-count-failed', { error: String(e) }));
			}, PUBLISH_AFTER_MS)
		);
	}

	/**
	 * Closes the board's open vote: here if this instance runs it; else the
	 * runner is asked, and if it has not closed it within FORWARD_WAIT_MS (it
	 * stopped), this instance closes it. Gives the ranked totals.
	 */
	async close(practiceId: PracticeId, boardId: BoardId, by: MemberId | null): Promise<VoteInfo['result']> {
		const key = boardKey(practiceId, boardId);
		const vote = await this.ctx.storage.records.votes.openOn(practiceId, boardId);
		if (!vote) throw new ServiceError('no-vote', REFUSED.closed);
		if (!this.running.has(key) && this.ctx.bus) {
			await this.ctx.bus.forwardActivity({ activity: this.kind, action: 'end', practiceId, boardId, memberId: by, body: {} });
			const until = Date.now() + FORWARD_WAIT_MS;
			while (Date.now() < until) {
				const now = await this.ctx.storage.records.votes.get(vote.id);
				if (now?.result) {
					await this.whenPublished(practiceId, boardId, vote.id);
					return now.result;
				}
				await new Promise((resolve) => setTimeout(resolve, 50));
			}
		}
		const result = await this.closeRunning(vote, by);
		if (!result) return (await this.ctx.storage.records.votes.get(vote.id))?.result ?? [];
		return result;
	}

	/** Waits (briefly) until the practice document says the vote closed, so the caller's next read shows the result. */
	private async whenPublished(practiceId: PracticeId, boardId: BoardId, id: string): Promise<void> {
		for (let i = 0; i < 40; i++) {
			const shown = readActivity(await this.ctx.documents.read(practiceDoc(practiceId)), 'vote', boardId);
			if (shown?.id === id && shown.closedAt !== null) return;
			await new Promise((resolve) => setTimeout(resolve, 50));
		}
	}

	/** Closes a vote in the records (once, whoever asks first) and publishes the result; null if it was closed already. */
	private async closeRunning(vote: StoredVote, by: MemberId | null, now = Date.now()): Promise<VoteInfo['result']> {
		const key = boardKey(vote.practiceId as PracticeId, vote.boardId as BoardId);
		const notes = [...notesMap(await this.ctx.documents.read(collectiveDoc(vote.practiceId as PracticeId, vote.boardId as BoardId))).keys()];
		const result = await this.ctx.storage.records.votes.close(vote.id, now, notes);
		if (this.running.get(key)?.id === vote.id) {
			this.running.delete(key);
			this.timers.cancel(key);
			clearTimeout(this.publishTimers.get(key));
			this.publishTimers.delete(key);
		}
		if (!result) return null;
		await this.publish({ ...vote, closedAt: now }, 0, result);
		await this.mark(vote.practiceId as PracticeId, { kind: 'vote', name: '', boardId: vote.boardId, meetingId: null, createdBy: by });
		return result;
	}

	/** Writes what everyone may know of the vote: limits, times, the `done` count, and after closing the totals. */
	private async publish(vote: StoredVote, done: number, result: VoteInfo['result']): Promise<void> {
		const practice = await this.ctx.documents.open(practiceDoc(vote.practiceId as PracticeId));
		try {
			const info: VoteInfo = {
				id: vote.id,
				dots: vote.dots,
				perNote: vote.perNote,
				startedAt: vote.startedAt,
				endsAt: vote.endsAt,
				closedAt: vote.closedAt,
				done: result ? 0 : done,
				result
			};
			writeActivity(practice.document!, { kind: 'vote', boardId: vote.boardId, ...info }, SERVER_ORIGIN);
			await this.ctx.documents.whenStored();
		} finally {
			await practice.disconnect();
		}
	}
}

function voteJson(v: StoredVote) {
	const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
	return { id: v.id, dots: v.dots, perNote: v.perNote, startedAt: iso(v.startedAt), endsAt: iso(v.endsAt) };
}
