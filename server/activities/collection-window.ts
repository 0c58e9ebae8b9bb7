import type * as Y from 'yjs';
import { z } from 'zod';
import { collectiveDoc, laneDoc, practiceDoc, privateDoc } from '#lib/domain/docnames.ts';
import type { BoardId, MemberId, PracticeId } from '#lib/domain/ids.ts';
import { dayOf } from '#lib/domain/visibility.ts';
import {
	QUESTION_MAX,
	closeWindow,
	countCreated,
	openWindow,
	readWindow,
	windowEnd,
	type CollectionWindow
} from '#lib/domain/windows.ts';
import { SERVER_ORIGIN } from '../mirror.ts';
import { ServiceError } from '../errors.ts';
import type { ServiceContext } from '../service-context.ts';
import { type ActivityHandler, type Where } from './types.ts';
import { membersOf } from '../records.ts';

const DAY = 86_400_000;
/** A deadline further away than this is a typo, not a plan. */
export const MAX_WINDOW_MS = 366 * DAY;

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const windowJson = (w: CollectionWindow) => ({ question: w.question, opensAt: iso(w.opensAt), deadline: iso(w.deadline), closedAt: iso(w.closedAt) });

/** `{ deadline, question? }`: a deadline in ms since the epoch or an ISO time with offset, in the future. */
export const windowInput = (now: number) =>
	z.strictObject({
		deadline: z
			.union([z.number().int(), z.iso.datetime({ offset: true })])
			.transform((v) => (typeof v === 'number' ? v : Date.parse(v)))
			.refine((ms) => ms > now, 'The deadline must be in the future.')
			.refine((ms) => ms <= now + MAX_WINDOW_MS, 'The deadline must be within a year.'),
		question: z
			.string()
			.trim()
			.max(QUESTION_MAX)
			.nullish()
			.transform((q) => q || null)
	});

export interface Contributions {
	readonly window: CollectionWindow;
	/** Every member with a lane (observers and removed members left out), in joining order. */
	readonly members: readonly { readonly id: MemberId; readonly count: number }[];
}

/**
 * Collection windows: the facilitator opens a board for contributions until a
 * deadline. The window lives in the practice document (server-written); the
 * facilitator may see per member how many notes they contributed since it
 * opened — counts only.
 */
export class CollectionWindows implements ActivityHandler {
	readonly kind = 'collection-window' as const;
	private readonly ctx: ServiceContext;
	/** Private-document counts, taken once per day per window (see `privateCounts`). */
	private readonly daily = new Map<string, { day: number; counts: Map<MemberId, number> }>();

	readonly actions = {
		/** Per member, how many notes they contributed since the window opened: counts only, no content, no note ids. */
		contributions: {
			method: 'GET' as const,
			roles: ['facilitator'] as const,
			run: async ({ practiceId, boardId }: Where) => {
				const { window, members } = await this.contributions(practiceId, boardId);
				return { body: { opensAt: new Date(window.opensAt).toISOString(), members } };
			}
		}
	};

	constructor(ctx: ServiceContext) {
		this.ctx = ctx;
	}

	/** Opens the board for contributions, or changes the open window's deadline and question: 201 when it opened. */
	async start({ practiceId, boardId }: Where, _caller: unknown, body: unknown) {
		const { window, opened } = await this.open(practiceId, boardId, body);
		return { status: opened ? 201 : 200, body: windowJson(window) };
	}

	/** Closes the open window now (closing a closed one changes nothing). */
	async end({ practiceId, boardId }: Where) {
		await this.close(practiceId, boardId);
		return { status: 204, body: null };
	}

	/** Opens a window on a board, or changes the deadline and question of the open one. */
	async open(practiceId: PracticeId, boardId: BoardId, raw: unknown, now = Date.now()): Promise<{ window: CollectionWindow; opened: boolean }> {
		const input = windowInput(now).parse(raw);
		return this.writePractice(practiceId, (doc) => openWindow(doc, boardId, input, now, SERVER_ORIGIN));
	}

	/** Closes the board's open window now; null when the board never had one. */
	async close(practiceId: PracticeId, boardId: BoardId, now = Date.now()): Promise<CollectionWindow | null> {
		return this.writePractice(practiceId, (doc) => closeWindow(doc, boardId, now, SERVER_ORIGIN));
	}

	async read(practiceId: PracticeId, boardId: BoardId): Promise<CollectionWindow | null> {
		return readWindow(await this.ctx.documents.read(practiceDoc(practiceId)), boardId);
	}

	private async writePractice<T>(practiceId: PracticeId, write: (doc: Y.Doc) => T): Promise<T> {
		const connection = await this.ctx.documents.open(practiceDoc(practiceId));
		try {
			const result = write(connection.document!);
			await this.ctx.documents.whenStored();
			return result;
		} finally {
			await connection.disconnect();
		}
	}

	/**
	 * Per member, how many notes they created on the board during the window:
	 * in their shared lane, in their private document (private and anonymous
	 * notes alike, one number) and in the collective lane.
	 *
	 * Shared and collective notes carry the author's name anyway, so they count
	 * at once. Private-document notes would give away who wrote an anonymous
	 * note if they counted at once: the count would go up the moment it
	 * appears in the anonymous lane (and down when it disappears). So they count
	 * per whole day, as anonymous notes are dated, once that day is over, and
	 * are read once a day.
	 */
	async contributions(practiceId: PracticeId, boardId: BoardId, now = Date.now()): Promise<Contributions> {
		const window = await this.read(practiceId, boardId);
		if (!window) throw new ServiceError('not-found', 'This board has no collection window.');
		const members = membersOf(await this.ctx.storage.records.members.list(practiceId)).filter((m) => m.role !== 'observer' && m.removedAt === null);
		const from = window.opensAt;
		const to = windowEnd(window);
		const collective = await this.ctx.documents.read(collectiveDoc(practiceId, boardId));
		const hidden = await this.privateCounts(practiceId, boardId, window, members.map((m) => m.id), now);
		const out: { id: MemberId; count: number }[] = [];
		for (const m of members) {
			const lane = await this.ctx.documents.read(laneDoc(practiceId, boardId, m.id));
			const count = countCreated(lane, m.id, from, to) + countCreated(collective, m.id, from, to) + (hidden.get(m.id) ?? 0);
			out.push({ id: m.id, count });
		}
		return { window, members: out };
	}

	/**
	 * Private-document notes created on whole days from the day the window
	 * opened through the day it ended, up to yesterday; counted on the first
	 * request of a day and kept until the next, so neither a new note nor a
	 * deleted one moves the number within the day.
	 */
	private async privateCounts(
		practiceId: PracticeId,
		boardId: BoardId,
		window: CollectionWindow,
		members: readonly MemberId[],
		now: number
	): Promise<Map<MemberId, number>> {
		const today = dayOf(now);
		const from = dayOf(window.opensAt);
		const to = Math.min(dayOf(windowEnd(window) + DAY - 1), today);
		for (const [key, entry] of this.daily) if (entry.day !== today) this.daily.delete(key);
		const key = `${practiceId}/${boardId}/${from}/${to}`;
		let entry = this.daily.get(key);
		if (!entry) this.daily.set(key, (entry = { day: today, counts: new Map() }));
		for (const member of members) {
			if (entry.counts.has(member)) continue;
			const doc = from < to ? await this.ctx.documents.read(privateDoc(practiceId, boardId, member)) : null;
			entry.counts.set(member, doc ? countCreated(doc, member, from, to) : 0);
		}
		return entry.counts;
	}
}
