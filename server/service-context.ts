import type { Hocuspocus } from '@hocuspocus/server';
import type * as Y from 'yjs';
import type { Logger } from './logger.ts';
import type { Storage } from './storage/types.ts';
import type { MemberId } from '#lib/domain/ids.ts';

export type DirectConnection = Awaited<ReturnType<Hocuspocus['openDirectConnection']>>;

/** The live documents, as services use them. */
export interface Documents {
	/**
	 * Opens a document for writing (loaded in Hocuspocus, so every client sees
	 * the write); disconnect when done. The log names the server as the author,
	 * or `on.memberId` for a change made on a member's behalf (a restore).
	 */
	open(name: string, on?: { readonly memberId: MemberId }): Promise<DirectConnection>;
	/** Reads a document without loading it for clients: what is live if it is, else what is stored. */
	read(name: string): Promise<Y.Doc>;
	/** Resolves once every change applied so far is in the log. */
	whenStored(): Promise<void>;
}

/**
 * What a server service is built from: one object, the same for all of them.
 * `bus` reaches the other instances (Redis); null with one instance.
 */
export interface ServiceContext {
	readonly storage: Storage;
	readonly documents: Documents;
	readonly bus: Bus | null;
	readonly logger: Logger;
}

/** Messages to the other instances of a scaled-out server. */
export interface Bus {
	/** Sends an activity order to every instance; the one that runs the activity carries it out. */
	forwardActivity(order: ActivityOrder): Promise<void>;
}

/** What one instance asks of the instance that runs an activity (several instances, Redis). */
export interface ActivityOrder {
	readonly activity: string;
	readonly action: string;
	readonly practiceId: string;
	readonly boardId: string;
	readonly memberId: string | null;
	readonly body: unknown;
}
