import type * as Y from 'yjs';
import { z } from 'zod';
import { practiceDoc } from '#lib/domain/docnames.ts';
import type { BoardId, PracticeId } from '#lib/domain/ids.ts';
import { readPractice } from '#lib/domain/practice.ts';
import {
	QUESTION_MAX,
	closeWindow,
	openWindow,
	readWindow,
	windowEnd,
	type CollectionWindow
} from '#lib/domain/windows.ts';
import { SERVER_ORIGIN } from '../mirror.ts';
import type { BoardReader, MemberCounts } from '../board-reader.ts';
import { ServiceError } from '../errors.ts';
import type { ServiceContext } from '../service-context.ts';
import { type ActivityHandler, type Where } from './types.ts';

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
	readonly members: MemberCounts;
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
	private readonly reader: BoardReader;

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

	constructor(ctx: ServiceContext, reader: BoardReader) {
		this.ctx = ctx;
		this.reader = reader;
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
	 * Per member, how many notes they created on the board during the window,
	 * read through the board reader (which counts private documents by whole
	 * past days only: see `BoardReader.created`).
	 */
	async contributions(practiceId: PracticeId, boardId: BoardId, now = Date.now()): Promise<Contributions> {
		const doc = await this.ctx.documents.read(practiceDoc(practiceId));
		const window = readWindow(doc, boardId);
		if (!window) throw new ServiceError('not-found', 'This board has no collection window.');
		const members = await this.reader.created(practiceId, boardId, { from: window.opensAt, to: windowEnd(window) }, now, readPractice(doc));
		return { window, members };
	}
}
