import * as Y from 'yjs';
import { OutgoingMessage } from '@hocuspocus/server';
import type {
	Extension,
	afterHandleMessagePayload,
	beforeSyncPayload,
	onDestroyPayload,
	onLoadDocumentPayload,
	onStoreDocumentPayload
} from '@hocuspocus/server';
import type { MemberId } from '#lib/domain/ids.ts';
import type { DocumentLog } from '../storage/log.ts';
import { WriteBatcher } from '../write-batcher.ts';
import { GatedSocket } from '../gated-socket.ts';
import { CloseError } from '../close-reasons.ts';
import type { ConnectionContext } from './access.ts';

/** Origin of the transaction that loads stored state into a document: not logged again. */
export const LOAD_ORIGIN = { source: 'local', skipStoreHooks: true, zwerm: 'load' } as const;

export interface DurableLogOptions {
	/** Write a checkpoint after this many logged updates of one document. */
	readonly checkpointEvery: number;
	readonly log: (event: string, fields: Record<string, unknown>) => void;
}

interface ConnectionOrigin {
	source: 'connection';
	connection: { webSocket: unknown; context?: Partial<ConnectionContext> };
}

const isConnectionOrigin = (origin: unknown): origin is ConnectionOrigin =>
	typeof origin === 'object' && origin !== null && (origin as { source?: unknown }).source === 'connection';

const isRedisOrigin = (origin: unknown): boolean =>
	typeof origin === 'object' && origin !== null && (origin as { source?: unknown }).source === 'redis';

const isLocalOrigin = (origin: unknown): origin is { source: 'local'; context?: Partial<ConnectionContext> } =>
	typeof origin === 'object' && origin !== null && (origin as { source?: unknown }).source === 'local';

/**
 * Persists every update a document applies, before the client that sent it
 * is acknowledged (see GatedSocket), into an append-only log with periodic
 * full-state checkpoints. The log is also the history the timeline replays.
 */
export class DurableLog implements Extension {
	readonly extensionName = 'zwerm-durable-log';
	// Load before any other extension sees the document.
	readonly priority = 1000;
	readonly batcher: WriteBatcher;
	private readonly options: DurableLogOptions;
	private readonly sinceCheckpoint = new Map<string, number>();
	private readonly compacting = new Map<string, Promise<void>>();

	private readonly log: DocumentLog;

	constructor(log: DocumentLog, options: Partial<DurableLogOptions> = {}) {
		this.log = log;
		this.options = { checkpointEvery: 500, log: () => {}, ...options };
		this.batcher = new WriteBatcher(log);
		this.batcher.onError = (error) => this.options.log('log-write-failed', { error: String(error) });
		this.batcher.onStored = (counts) => {
			for (const [doc, n] of counts) {
				const total = (this.sinceCheckpoint.get(doc) ?? 0) + n;
				this.sinceCheckpoint.set(doc, total);
				if (total >= this.options.checkpointEvery) void this.checkpoint(doc);
			}
		};
	}

	async onLoadDocument({ document, documentName }: onLoadDocumentPayload): Promise<void> {
		// A document unloaded a moment ago may still have updates on their way to disk.
		await this.batcher.stored(documentName);
		const stored = await this.log.load(documentName);
		document.transact(() => {
			if (stored.checkpoint) Y.applyUpdateV2(document, stored.checkpoint);
			for (const update of stored.updates) Y.applyUpdate(document, update);
		}, LOAD_ORIGIN);
		this.sinceCheckpoint.set(documentName, stored.updates.length);
		document.on('update', (update: Uint8Array, origin: unknown) => this.record(documentName, update, origin));
		if (stored.updates.length >= this.options.checkpointEvery) void this.checkpoint(documentName);
	}

	private record(doc: string, update: Uint8Array, origin: unknown): void {
		if (origin === LOAD_ORIGIN) return;
		// With Redis scale-out, another instance's update arrives with origin `{ source: 'redis' }`:
		// the instance whose client sent it has logged it, and only published it once durable
		// (server/redis.ts), so logging it here would put it in the history twice.
		if (isRedisOrigin(origin)) return;
		const connection = isConnectionOrigin(origin) ? origin.connection : null;
		// A change the server makes on a member's behalf (a restore) names them in its direct connection's context.
		const context = connection ? connection.context : isLocalOrigin(origin) ? origin.context : undefined;
		const memberId = (context?.memberId ?? null) as MemberId | null;
		const written = this.batcher.add({ doc, update, at: Date.now(), memberId });
		if (connection?.webSocket instanceof GatedSocket) connection.webSocket.hold(written);
		// Failures are retried by the batcher; the client's socket is closed by the gate.
		written.catch(() => {});
		this.lastWrite.set(doc, written);
		const forget = () => {
			if (this.lastWrite.get(doc) === written) this.lastWrite.delete(doc);
		};
		written.then(forget, () => this.batcher.stored(doc).then(forget));
	}

	/** Per document, the newest update this instance handed to the batcher and not yet known stored. */
	private readonly lastWrite = new Map<string, Promise<void>>();

	/**
	 * Resolves once every update of `doc` this instance has logged so far is on
	 * disk. The batcher commits in order (a failed batch is retried ahead of
	 * later ones), so that is when the newest one is; unlike `batcher.stored`,
	 * later updates do not keep it waiting under constant writing.
	 */
	logged(doc: string): Promise<void> {
		const last = this.lastWrite.get(doc);
		return last ? last.catch(() => this.batcher.stored(doc)) : Promise.resolve();
	}

	/**
	 * Before an update is applied: refuse what cannot be decoded or starts past
	 * what the document knows (a gap in a client's clock), and hold the client's
	 * acknowledgement until (a) the update is checked after applying it and
	 * (b) every earlier unsaved change of this document is on disk — a client
	 * reconnecting after a failed write must not be told "saved" while the
	 * server only has its change in memory.
	 */
	async beforeSync({ type, payload, document, documentName, connection }: beforeSyncPayload): Promise<void> {
		if (type !== 1 && type !== 2) return;
		const socket = connection.webSocket instanceof GatedSocket ? connection.webSocket : null;
		const refuse = (detail: string): never => {
			const error = refusal(connection.messageAddress, detail);
			socket?.fail(error.code, error.reason, error.farewell);
			throw error;
		};
		let meta: { from: Map<number, number> } | null = null;
		try {
			meta = Y.parseUpdateMeta(payload);
		} catch {
			refuse('the update could not be decoded');
		}
		for (const [client, clock] of meta!.from) {
			if (clock > Y.getState(document.store, client)) refuse('the update depends on changes the server does not have');
		}
		if (!socket) return;
		let settle!: (error?: Refusal) => void;
		socket.hold(new Promise<void>((resolve, reject) => (settle = (error) => (error ? reject(error) : resolve()))));
		this.checks.set(connection, settle);
		if (this.batcher.pending(documentName) > 0) socket.hold(this.batcher.stored(documentName));
	}

	private readonly checks = new WeakMap<object, (error?: Refusal) => void>();

	/**
	 * After applying: an update whose items hang on items the server never saw
	 * (or that deletes such items) leaves Yjs "pending" state, invisible to users
	 * yet included in every full encoding. Drop it and close the connection; an
	 * honest client reconnects and its sync carries whatever was missing.
	 */
	async afterHandleMessage({ connection, document }: afterHandleMessagePayload): Promise<void> {
		const settle = this.checks.get(connection);
		if (!settle) return;
		this.checks.delete(connection);
		if (document.store.pendingStructs || document.store.pendingDs) {
			document.store.pendingStructs = null;
			document.store.pendingDs = null;
			this.options.log('pending-update-refused', { doc: document.name });
			settle(refusal(connection.messageAddress, 'the update depends on changes the server does not have'));
		} else {
			settle();
		}
	}

	/** Hocuspocus calls this debounced after changes and before unloading: fold the log. */
	async onStoreDocument({ documentName }: onStoreDocumentPayload): Promise<void> {
		await this.batcher.idle();
		if ((this.sinceCheckpoint.get(documentName) ?? 0) > 0) await this.checkpoint(documentName);
	}

	async onDestroy(_: onDestroyPayload): Promise<void> {
		await this.batcher.idle();
	}

	/**
	 * Writes a full-state checkpoint, folded from storage: the newest checkpoint
	 * plus the log after it. Never from the live document: its state may hold
	 * updates not yet logged (or, with several instances, lack ones another
	 * instance logged), and the timeline replays from checkpoints, so each must
	 * be exactly the log up to its sequence number. Idempotent: a fold that runs
	 * twice writes the same state under the same number.
	 */
	checkpoint(doc: string): Promise<void> {
		const running = this.compacting.get(doc);
		if (running) return running;
		const task = (async () => {
			try {
				const stored = await this.log.load(doc);
				if (stored.updates.length === 0) return;
				const ydoc = new Y.Doc();
				if (stored.checkpoint) Y.applyUpdateV2(ydoc, stored.checkpoint);
				for (const update of stored.updates) Y.applyUpdate(ydoc, update);
				await this.log.checkpoint(doc, stored.lastSeq, Y.encodeStateAsUpdateV2(ydoc));
				ydoc.destroy();
				this.sinceCheckpoint.set(doc, Math.max(0, (this.sinceCheckpoint.get(doc) ?? 0) - stored.updates.length));
			} catch (error) {
				this.options.log('checkpoint-failed', { doc, error: String(error) });
			} finally {
				this.compacting.delete(doc);
			}
		})();
		this.compacting.set(doc, task);
		return task;
	}
}

type Refusal = CloseError & { readonly farewell: Uint8Array };

/** An invalid-update refusal, with the Hocuspocus close message that tells the client why. */
function refusal(messageAddress: string, detail: string): Refusal {
	const error = new CloseError('InvalidUpdate', detail);
	return Object.assign(error, {
		farewell: new OutgoingMessage(messageAddress).writeCloseMessage(error.reason).toUint8Array()
	});
}
