import type { ActivityKind } from '#lib/domain/activities.ts';
import type { BoardId, MemberId, PracticeId } from '#lib/domain/ids.ts';
import type { Role } from '#lib/domain/practice.ts';
import type { ActivityOrder } from '../service-context.ts';

/** An endpoint's answer: JSON body and status (200 unless said). */
export interface ActivityAnswer {
	readonly status?: number;
	readonly body: unknown;
}

/** Who asks, as the endpoint found them. */
export interface Caller {
	readonly memberId: MemberId;
	readonly role: Role;
}

export interface Where {
	readonly practiceId: PracticeId;
	readonly boardId: BoardId;
}

/** One action of an activity besides starting and ending it (`ready`, `contributions`, …). */
export interface ActivityAction {
	readonly method: 'GET' | 'POST';
	/** Who may ask: checked by the endpoint before `run`. */
	readonly roles: readonly Role[];
	/** `body` is the raw JSON: the action parses it (zod) and refuses what does not fit. */
	run(where: Where, caller: Caller, body: unknown): Promise<ActivityAnswer>;
}

/**
 * One kind of activity on the server. Facilitators start and end it; its
 * actions say who else may do what. Adding a kind: a variant in
 * src/lib/domain/activities.ts and a handler here, registered in Activities.
 */
export interface ActivityHandler {
	readonly kind: ActivityKind;
	start(where: Where, caller: Caller, body: unknown): Promise<ActivityAnswer>;
	end(where: Where, caller: Caller): Promise<ActivityAnswer>;
	readonly actions: Readonly<Record<string, ActivityAction>>;
	/** A loaded document changed (a round counts its notes). */
	onDocumentChange?(name: string): void;
	/** After a restart: timers back for what still runs. */
	restore?(): Promise<void>;
	stop?(): Promise<void>;
	/** An order from another instance, for an activity this instance may run. */
	handleOrder?(order: ActivityOrder): Promise<void>;
}

/** The roles that start and end activities. */
export const FACILITATORS: readonly Role[] = ['facilitator'];
