import { isActivityKind, type ActivityKind } from '#lib/domain/activities.ts';
import type { AnonymousMirror } from '../anonymous-mirror.ts';
import { ServiceError } from '../errors.ts';
import type { ActivityOrder, ServiceContext } from '../service-context.ts';
import { CollectionWindows } from './collection-window.ts';
import { SilentRounds } from './silent-round.ts';
import { Presentations } from './presentation.ts';
import { FACILITATORS, type ActivityAction, type ActivityHandler } from './types.ts';

export type { ActivityAnswer, ActivityAction, ActivityHandler, Caller, Where } from './types.ts';

/**
 * Every kind of facilitated activity, behind one interface: the endpoints
 * (`/api/practices/:id/boards/:board/activities/:kind[/:action]`) find the
 * handler here, check the caller's role and pass the raw body on; timers,
 * counts and cross-instance orders live in the handler.
 */
export class Activities {
	readonly rounds: SilentRounds;
	readonly windows: CollectionWindows;
	readonly presentations: Presentations;
	private readonly handlers: ReadonlyMap<ActivityKind, ActivityHandler>;

	constructor(ctx: ServiceContext, mirror: AnonymousMirror) {
		this.rounds = new SilentRounds(ctx, mirror);
		this.windows = new CollectionWindows(ctx);
		this.presentations = new Presentations(ctx);
		this.handlers = new Map<ActivityKind, ActivityHandler>([this.rounds, this.windows, this.presentations].map((h) => [h.kind, h]));
	}

	/** The handler of a kind named in a URL; `not-found` for anything else. */
	handler(kind: string): ActivityHandler {
		const handler = isActivityKind(kind) ? this.handlers.get(kind) : undefined;
		if (!handler) throw new ServiceError('not-found', 'No such activity.');
		return handler;
	}

	/** An action of a kind, by the method it is asked with; `not-found` for anything else. */
	action(kind: string, name: string, method: string): ActivityAction {
		const handler = this.handler(kind);
		const action = Object.hasOwn(handler.actions, name) ? handler.actions[name] : undefined;
		if (!action || action.method !== method) throw new ServiceError('not-found', 'No such action.');
		return action;
	}

	/** Who starts and ends activities. */
	readonly organisers = FACILITATORS;

	onDocumentChange(name: string): void {
		for (const h of this.handlers.values()) h.onDocumentChange?.(name);
	}

	async restore(): Promise<void> {
		for (const h of this.handlers.values()) await h.restore?.();
	}

	async stop(): Promise<void> {
		for (const h of this.handlers.values()) await h.stop?.();
	}

	/** An order from another instance (Redis). */
	async handleOrder(order: ActivityOrder): Promise<void> {
		const handler = isActivityKind(order.activity) ? this.handlers.get(order.activity) : undefined;
		await handler?.handleOrder?.(order);
	}
}
