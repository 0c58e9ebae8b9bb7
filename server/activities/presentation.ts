import type * as Y from 'yjs';
import { z } from 'zod';
import { practiceDoc } from '#lib/domain/docnames.ts';
import { readActivities, writeActivity, type Presentation } from '#lib/domain/activities.ts';
import type { PracticeId } from '#lib/domain/ids.ts';
import { SERVER_ORIGIN } from '../mirror.ts';
import type { ServiceContext } from '../service-context.ts';
import type { ActivityHandler, Caller, Where } from './types.ts';

/** Starting takes no options: `{}` or an empty body. */
const startInput = z.strictObject({});

const presentationJson = (boardId: string, p: Presentation) => ({
	boardId,
	presenter: p.presenter,
	startedAt: new Date(p.startedAt).toISOString(),
	endedAt: p.endedAt === null ? null : new Date(p.endedAt).toISOString()
});

/**
 * Bring everyone here: a facilitator starts a presentation on the board they
 * are on, and every member's page follows them (src/lib/sync/presence.svelte.ts)
 * until it ends or they step out. The practice document holds who presents
 * (`presenter`) under the board where it started; where the presenter looks
 * travels as awareness, not here. One runs per practice: starting one ends
 * any other, and ending it from any board ends it.
 */
export class Presentations implements ActivityHandler {
	readonly kind = 'presentation' as const;
	readonly actions = {};
	private readonly ctx: ServiceContext;

	constructor(ctx: ServiceContext) {
		this.ctx = ctx;
	}

	async start({ practiceId, boardId }: Where, caller: Caller, body: unknown) {
		startInput.parse(body ?? {});
		const now = Date.now();
		const presentation: Presentation = { presenter: caller.memberId, startedAt: now, endedAt: null };
		await this.writePractice(practiceId, (doc) => {
			doc.transact(() => {
				endAll(doc, now);
				writeActivity(doc, { kind: 'presentation', boardId, ...presentation }, SERVER_ORIGIN);
			}, SERVER_ORIGIN);
		});
		return { status: 201, body: presentationJson(boardId, presentation) };
	}

	/** Ends the running presentation, wherever it started (ending none changes nothing). */
	async end({ practiceId }: Where) {
		await this.writePractice(practiceId, (doc) => doc.transact(() => endAll(doc, Date.now()), SERVER_ORIGIN));
		return { status: 204, body: null };
	}

	private async writePractice(practiceId: PracticeId, write: (doc: Y.Doc) => void): Promise<void> {
		const connection = await this.ctx.documents.open(practiceDoc(practiceId));
		try {
			write(connection.document!);
			await this.ctx.documents.whenStored();
		} finally {
			await connection.disconnect();
		}
	}
}

function endAll(doc: Y.Doc, now: number): void {
	for (const a of readActivities(doc)) {
		if (a.kind === 'presentation' && a.endedAt === null) writeActivity(doc, { ...a, endedAt: now }, SERVER_ORIGIN);
	}
}
