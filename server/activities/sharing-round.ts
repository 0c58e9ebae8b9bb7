import * as Y from 'yjs';
import { z } from 'zod';
import { readActivity, sharingRunning, writeActivity, type SharingRound, type SharingStep } from '#lib/domain/activities.ts';
import { notePosition, type RegionKind } from '#lib/domain/board-space.ts';
import { anonymousDoc, laneDoc, practiceDoc, privateDoc } from '#lib/domain/docnames.ts';
import { randomId, type BoardId, type MemberId, type PracticeId } from '#lib/domain/ids.ts';
import { listNotes, notesMap, type NoteData } from '#lib/domain/notes.ts';
import { readPrivateState } from '#lib/domain/visibility.ts';
import { boardKey } from '../anonymous-mirror.ts';
import { ServiceError } from '../errors.ts';
import { SERVER_ORIGIN } from '../mirror.ts';
import { membersOf } from '../records.ts';
import type { ActivityOrder, ServiceContext } from '../service-context.ts';
import { REVEALED_IN } from './reveal.ts';
import { FACILITATORS, type ActivityHandler, type Caller, type Where } from './types.ts';

const Start = z.strictObject({});
/** A step change names the step the caller sees: a second press, or one from another device, does not skip a step. */
const Move = z.strictObject({ from: z.number().int().min(0).max(10_000) });

/** How long an instance that forwarded an order waits to see it carried out before it carries it out itself. */
const FORWARD_WAIT_MS = 3000;

type Direction = 'next' | 'back';

/** Notes in reading order of their place (top to bottom, then left to right). */
function readingOrder(notes: readonly NoteData[], kind: RegionKind): string[] {
	return notes
		.map((n) => ({ id: n.id, at: notePosition(n, kind) }))
		.sort((a, b) => a.at.y - b.at.y || a.at.x - b.at.x || (a.id < b.id ? -1 : 1))
		.map((n) => n.id);
}

/**
 * A sharing round: after a silent round's reveal, the group goes round the
 * table. The server computes the steps once, at the start, from what everyone
 * already sees: each member's shared notes of that round (member list order),
 * then ONE step with every anonymous note of the round, always last, in the
 * anonymous lane's reading order — the order the reveal's shuffled write
 * placed them in, so neither the step's place nor its order follows authors.
 * Private notes never enter it. The practice document holds the steps and
 * whose turn it is; facilitators step forward and back, the member whose
 * step it is may go on ("Ik ben klaar").
 *
 * With several instances (Redis) the one that started the round runs it:
 * others forward `next`, `back` and `end` on the control channel and wait
 * for the practice document to show the change. Every change names the step
 * it moves from, so it is carried out once however often it arrives; if
 * nobody carries it out (that instance restarted), the forwarding instance
 * takes the round over.
 */
export class SharingRounds implements ActivityHandler {
	readonly kind = 'sharing-round' as const;
	private readonly ctx: ServiceContext;
	/** Boards whose sharing round this instance runs. */
	private readonly running = new Set<string>();

	readonly actions = {
		/** The next step; on the last step, the end. Facilitators, and the member whose step it is. */
		next: {
			method: 'POST' as const,
			roles: ['facilitator', 'participant'] as const,
			run: async (where: Where, caller: Caller, body: unknown) => ({ body: json(await this.move(where, caller, 'next', Move.parse(body).from)) })
		},
		/** The step before. Facilitators. */
		back: {
			method: 'POST' as const,
			roles: FACILITATORS,
			run: async (where: Where, caller: Caller, body: unknown) => ({ body: json(await this.move(where, caller, 'back', Move.parse(body).from)) })
		}
	};

	constructor(ctx: ServiceContext) {
		this.ctx = ctx;
	}

	async start({ practiceId, boardId }: Where, _caller: Caller, body: unknown) {
		Start.parse(body ?? {});
		const round = await this.startSharing(practiceId, boardId);
		return { status: 201, body: json(round) };
	}

	async end(where: Where, caller: Caller) {
		return { body: json(await this.change(where, caller, 'end', null)) };
	}

	/** An order from another instance: carried out if this instance runs that sharing round. */
	async handleOrder(order: ActivityOrder): Promise<void> {
		const where = { practiceId: order.practiceId as PracticeId, boardId: order.boardId as BoardId };
		if (!this.running.has(boardKey(where.practiceId, where.boardId))) return;
		const { from, role } = z.object({ from: z.number().int().nullable(), role: z.enum(['facilitator', 'participant']) }).parse(order.body);
		const caller = { memberId: order.memberId as MemberId, role };
		const action = z.enum(['next', 'back', 'end']).parse(order.action);
		await this.apply(where, caller, action, from).catch((e: unknown) => {
			// Refused here as on the instance that forwarded it: it answers its caller.
			if (!(e instanceof ServiceError)) throw e;
		});
	}

	async read(practiceId: PracticeId, boardId: BoardId): Promise<SharingRound | null> {
		const a = readActivity(await this.ctx.documents.read(practiceDoc(practiceId)), 'sharing-round', boardId);
		return a && strip(a);
	}

	/** Computes the steps of the board's last revealed silent round and starts going round. */
	async startSharing(practiceId: PracticeId, boardId: BoardId, now = Date.now()): Promise<SharingRound> {
		const practice = await this.ctx.documents.read(practiceDoc(practiceId));
		const silent = readActivity(practice, 'silent-round', boardId);
		if (!silent || silent.revealedAt === null) throw new ServiceError('nothing-to-share', 'Reveal a silent round on this board first.');
		if (sharingRunning(readActivity(practice, 'sharing-round', boardId))) throw new ServiceError('round-running', 'A sharing round is already going on on this board.');
		const steps = await this.steps(practiceId, boardId, silent.id, silent.revealedAt);
		if (steps.length === 0) throw new ServiceError('nothing-to-share', 'Nobody shared notes in the last silent round.');
		const round: SharingRound = { id: randomId(12), roundId: silent.id, startedAt: now, endedAt: null, steps, step: 0 };
		await this.write(practiceId, boardId, (current) => {
			if (sharingRunning(current)) throw new ServiceError('round-running', 'A sharing round is already going on on this board.');
			return round;
		});
		this.running.add(boardKey(practiceId, boardId));
		return round;
	}

	/**
	 * The steps: per member (list order) the notes in their lane that the
	 * reveal of `roundId` put there (created by them at the reveal's moment),
	 * then the round's anonymous notes as the anonymous lane shows them.
	 */
	private async steps(practiceId: PracticeId, boardId: BoardId, roundId: string, revealedAt: number): Promise<SharingStep[]> {
		const members = membersOf(await this.ctx.storage.records.members.list(practiceId)).filter((m) => m.role !== 'observer' && m.removedAt === null);
		const steps: SharingStep[] = [];
		const anonymous = new Set<string>();
		for (const m of members) {
			const lane = listNotes(await this.ctx.documents.read(laneDoc(practiceId, boardId, m.id))).filter((n) => n.createdBy === m.id && n.createdAt === revealedAt);
			if (lane.length) steps.push({ kind: 'member', memberId: m.id, noteIds: readingOrder(lane, 'member') });
			// The round's anonymous notes, through the server's links; collected in a set, their order comes from the lane below.
			const name = privateDoc(practiceId, boardId, m.id);
			const priv = await this.ctx.documents.read(name);
			const links = new Map((await this.ctx.storage.records.anonymousLinks.of(name)).map((l) => [l.noteId, l.anonId]));
			notesMap(priv).forEach((note, id) => {
				if (!(note instanceof Y.Map) || note.get(REVEALED_IN) !== roundId) return;
				const state = readPrivateState(note);
				const anonId = links.get(id);
				if (state.visibility === 'anonymous' && !state.named && anonId) anonymous.add(anonId);
			});
		}
		const shown = listNotes(await this.ctx.documents.read(anonymousDoc(practiceId, boardId))).filter((n) => anonymous.has(n.id));
		if (shown.length) steps.push({ kind: 'anonymous', noteIds: readingOrder(shown, 'anonymous') });
		return steps;
	}

	/** A step forward or back, as `caller` asks it (checked here: the caller's role, and whose turn it is). */
	async move(where: Where, caller: Caller, direction: Direction, from: number): Promise<SharingRound> {
		return this.change(where, caller, direction, from);
	}

	private async change(where: Where, caller: Caller, action: Direction | 'end', from: number | null): Promise<SharingRound> {
		const key = boardKey(where.practiceId, where.boardId);
		const before = await this.read(where.practiceId, where.boardId);
		check(before, caller, action, from);
		if (!this.ctx.bus || this.running.has(key)) return this.apply(where, caller, action, from);
		// Another instance runs it: send the order, then wait for the practice document to show it.
		await this.ctx.bus.forwardActivity({ activity: this.kind, action, practiceId: where.practiceId, boardId: where.boardId, memberId: caller.memberId, body: { from, role: caller.role } });
		const deadline = Date.now() + FORWARD_WAIT_MS;
		while (Date.now() < deadline) {
			await new Promise((resolve) => setTimeout(resolve, 50));
			const now = await this.read(where.practiceId, where.boardId);
			if (now && (now.id !== before!.id || now.step !== before!.step || now.endedAt !== before!.endedAt)) return now;
		}
		// Nobody did (the instance that ran it is gone): this one runs it from now on.
		this.running.add(key);
		return this.apply(where, caller, action, from);
	}

	/** Carries out a change on this instance: checked again against the practice document as it is now, and written in the same turn. */
	private async apply(where: Where, caller: Caller, action: Direction | 'end', from: number | null): Promise<SharingRound> {
		const written = await this.write(where.practiceId, where.boardId, (current) => {
			const round = check(current, caller, action, from);
			if (action === 'end') return { ...round, endedAt: Date.now() };
			const to = round.step + (action === 'next' ? 1 : -1);
			// On from the last step: the round is over.
			if (to >= round.steps.length) return { ...round, endedAt: Date.now() };
			return { ...round, step: to };
		});
		if (written.endedAt !== null) this.running.delete(boardKey(where.practiceId, where.boardId));
		return written;
	}

	/** Reads the board's sharing round from the open practice document, writes what `next` makes of it, in one turn. */
	private async write(practiceId: PracticeId, boardId: BoardId, next: (current: SharingRound | null) => SharingRound): Promise<SharingRound> {
		const connection = await this.ctx.documents.open(practiceDoc(practiceId));
		try {
			const doc = connection.document!;
			const current = readActivity(doc, 'sharing-round', boardId);
			const round = next(current && strip(current));
			writeActivity(doc, { kind: 'sharing-round', boardId, ...round }, SERVER_ORIGIN);
			await this.ctx.documents.whenStored();
			return round;
		} finally {
			await connection.disconnect();
		}
	}
}

function strip(a: { kind: 'sharing-round'; boardId: string } & SharingRound): SharingRound {
	const { kind: _kind, boardId: _board, ...round } = a;
	return round;
}

/** Whether `caller` may make this change now; the round if so. */
function check(round: SharingRound | null, caller: Caller, action: Direction | 'end', from: number | null): SharingRound {
	if (!sharingRunning(round)) throw new ServiceError('no-round', 'No sharing round is going on on this board.');
	if (caller.role !== 'facilitator') {
		const step = round.steps[round.step];
		// A participant only ends their own turn.
		if (action !== 'next' || step.kind !== 'member' || step.memberId !== caller.memberId) {
			throw new ServiceError('not-your-turn', 'Only the facilitator, or the member whose turn it is, moves the sharing round on.');
		}
	}
	if (from !== null && from !== round.step) throw new ServiceError('step-moved', 'The sharing round has moved on since.');
	if (action === 'back' && round.step === 0) throw new ServiceError('step-moved', 'This is the first step.');
	return round;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const json = (r: SharingRound) => ({ id: r.id, roundId: r.roundId, startedAt: iso(r.startedAt), endedAt: iso(r.endedAt), step: r.step, steps: r.steps });
