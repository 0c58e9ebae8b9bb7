import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { Redis } from '@hocuspocus/extension-redis';
import { IncomingMessage, MessageType, OutgoingMessage, type onAwarenessUpdatePayload } from '@hocuspocus/server';
import IORedis from 'ioredis';
import * as Y from 'yjs';
import { Awareness, applyAwarenessUpdate, encodeAwarenessUpdate } from 'y-protocols/awareness';
import type { Logger } from './logger.ts';
import type { ActivityOrder } from './service-context.ts';

export interface RedisSettings {
	/** `redis://[user:password@]host:6379[/db]` or `rediss://…` (TLS). */
	readonly url: string;
	/** Namespace of the channels and lock keys, so several deployments can share one Redis. */
	readonly prefix?: string;
	/** This instance's name on the channels (default: host, pid and a random part). */
	readonly identifier?: string;
}

/** y-protocols/sync sub-messages that carry document content (SyncStep2, Update). */
const CARRIES_STATE = new Set([1, 2]);

/**
 * The Redis extension, with presence that also leaves: in Hocuspocus 4.7 a
 * client that disconnects stays visible on the other instances until its state
 * times out (30 s). The extension does not publish a removal once the
 * document's last connection is gone, and what it does publish is lost on the
 * receiving instance (the server re-encodes incoming awareness from the states
 * left after its `beforeHandleAwareness` hook, and a removed state is not among
 * them). So removals are published here also without connections, and applied
 * here on arrival.
 */
export class ZwermRedis extends Redis {
	constructor(configuration: ConstructorParameters<typeof Redis>[0]) {
		super(configuration);
		this.sub.on('messageBuffer', (_channel: Buffer, data: Buffer) => this.applyRemovals(data));
	}

	override async onAwarenessUpdate(payload: onAwarenessUpdatePayload): Promise<void> {
		await super.onAwarenessUpdate(payload);
		const { document, documentName, removed, awareness } = payload;
		if (removed.length === 0 || document.connections.size > 0) return;
		const gone = removed.filter((id) => awareness.meta.has(id));
		if (gone.length === 0) return;
		const message = new OutgoingMessage(documentName).createAwarenessUpdateMessage(awareness, gone).toUint8Array();
		await this.pub.publish(`${this.configuration.prefix}:${documentName}`, Buffer.concat([this.messagePrefix, message]));
	}

	/**
	 * Disconnects from Redis, also when it is unreachable (the extension's own
	 * `onDestroy` then waits for its QUIT until ioredis gives up).
	 */
	async close(timeoutMs = 2000): Promise<void> {
		let timer: ReturnType<typeof setTimeout> | undefined;
		try {
			await Promise.race([this.onDestroy(), new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
		} catch {
			// Disconnected below all the same.
		} finally {
			clearTimeout(timer);
			this.pub.disconnect();
			this.sub.disconnect();
		}
	}

	/** Applies the removed (null) states of another instance's awareness message to the document here. */
	private applyRemovals(data: Buffer): void {
		try {
			if (data.subarray(0, this.messagePrefix.length).equals(this.messagePrefix)) return;
			const frame = new IncomingMessage(data.subarray(1 + data[0]));
			const documentName = frame.readVarString();
			if (frame.readVarUint() !== MessageType.Awareness) return;
			const update = frame.readVarUint8Array();
			// A removal is encoded as the JSON `null` (length 4): most messages have none, and need no decoding.
			if (Buffer.from(update.buffer, update.byteOffset, update.byteLength).indexOf(NULL_STATE) < 0) return;
			const document = this.instance?.documents.get(documentName);
			if (!document) return;
			const scratchDoc = new Y.Doc();
			const scratch = new Awareness(scratchDoc);
			try {
				applyAwarenessUpdate(scratch, update, null);
				const removed = [...scratch.meta.keys()].filter((id) => id !== scratch.clientID && !scratch.states.has(id));
				if (removed.length > 0) applyAwarenessUpdate(document.awareness, encodeAwarenessUpdate(scratch, removed), this.redisTransactionOrigin);
			} finally {
				scratch.destroy();
				scratchDoc.destroy();
			}
		} catch {
			// Not an awareness message of ours to fix; the extension handles (or drops) it.
		}
	}
}

const NULL_STATE = Buffer.from([4, ...Buffer.from('null')]);

/**
 * Several Zwerm instances share documents and presence through Redis
 * (@hocuspocus/extension-redis): each instance holding a document keeps a full
 * copy and tells the others about changes by pub/sub.
 *
 * The history log holds each update once: only the instance whose client sent
 * it logs it (DurableLog skips transactions with origin `{ source: 'redis' }`,
 * which is how the extension applies what another instance sends). For that to
 * be safe when an instance is killed, no instance may learn of an update before
 * it is in the log — otherwise a client whose change died with one instance
 * could reconnect to another that already holds it in memory only, and be told
 * "saved" for a change that is nowhere on disk. So every message carrying
 * document content leaves this instance only once the durable log has stored
 * everything this instance applied to that document (`whenLogged`); the
 * sync protocol is state based, so a delayed message still merges correctly.
 * This also keeps the shared log causal: an update another instance builds on
 * is always logged first.
 *
 * The extension's store lock (Redlock, default 1 s) can let two instances run
 * `onStoreDocument` for one document at once. Zwerm's store folds a checkpoint
 * from the shared log, never from the live document (DurableLog.checkpoint):
 * the same log up to the same sequence number gives the same state, so running
 * it twice is harmless.
 */
export function createRedisExtension(
	settings: RedisSettings,
	deps: { readonly whenLogged: (documentName: string) => Promise<void>; readonly logger: Logger }
): ZwermRedis {
	const { logger } = deps;
	let lastError = '';
	const createClient = () => {
		// Commands wait for a reconnect (ioredis retries for ever, 20 tries per command).
		const client = new IORedis(settings.url, { connectionName: 'zwerm' });
		client.on('error', (error: Error) => {
			// ioredis repeats the same error on every reconnect attempt: say it once.
			if (String(error) === lastError) return;
			lastError = String(error);
			logger.warn('redis-error', { error: lastError });
		});
		client.on('ready', () => (lastError = ''));
		return client;
	};
	const extension = new ZwermRedis({
		createClient,
		prefix: settings.prefix ?? 'zwerm',
		identifier: settings.identifier ?? instanceIdentifier()
	});

	const pub = extension.pub as unknown as { publish(channel: string, message: Buffer): Promise<number> };
	const publish = pub.publish.bind(pub);
	pub.publish = async (channel, message) => {
		try {
			const documentName = contentFor(message);
			if (documentName !== null) await deps.whenLogged(documentName);
			return await publish(channel, message);
		} catch (error) {
			// The extension does not always await its replies: a rejection here would end the
			// process. A lost message only delays a peer until the next change of the document.
			logger.warn('redis-publish-failed', { error: String(error) });
			return 0;
		}
	};
	return extension;
}

/**
 * The document a published message carries content of, or null (sync step 1,
 * awareness, stateless). A message is the sender's identifier (length-prefixed)
 * followed by a Hocuspocus frame: document name, message type, payload.
 */
function contentFor(message: Buffer): string | null {
	try {
		const frame = new IncomingMessage(message.subarray(1 + message[0]));
		const documentName = frame.readVarString();
		const type = frame.readVarUint();
		if (type !== MessageType.Sync && type !== MessageType.SyncReply) return null;
		return CARRIES_STATE.has(frame.readVarUint()) ? documentName : null;
	} catch {
		return null;
	}
}

/** Unique per process: host, pid, random. At most 255 bytes (the extension's framing). */
export function instanceIdentifier(): string {
	return `${hostname().slice(0, 100)}-${process.pid}-${randomBytes(4).toString('hex')}`;
}

/** Connects once and pings: for a clear error at start instead of silent retries. */
export async function checkRedis(url: string, timeoutMs = 5000): Promise<void> {
	const client = new IORedis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: timeoutMs });
	let cause: unknown = null;
	client.on('error', (error) => (cause = error));
	try {
		await client.connect();
		await client.ping();
	} catch (error) {
		// "Connection is closed" says less than the socket error behind it (ECONNREFUSED, …).
		throw cause ?? error;
	} finally {
		client.disconnect();
	}
}

/** The URL without its password, for logs. */
export function describeRedis(url: string): Record<string, unknown> {
	try {
		const parsed = new URL(url);
		return { host: parsed.host, db: parsed.pathname.slice(1) || '0', tls: parsed.protocol === 'rediss:' };
	} catch {
		return { host: 'unparsable' };
	}
}

/**
 * Instance-to-instance orders that are not about one document: "close every
 * connection of this member" (removed, role changed, left), which must reach
 * the instances their other devices are connected to; and an activity's
 * orders (a silent round's "ready" and early end), which must reach the
 * instance that runs it.
 * Each instance carries out what concerns it, also its own orders; all are idempotent.
 */
export function createControlChannel(
	settings: RedisSettings,
	deps: {
		readonly closeMember: (memberId: string) => void;
		readonly activityOrder: (order: ActivityOrder) => Promise<void>;
		readonly logger: Logger;
	}
): { closeMember(memberId: string): Promise<void>; forwardActivity(order: ActivityOrder): Promise<void>; close(): Promise<void> } {
	const channel = `${settings.prefix ?? 'zwerm'}:zwerm:control`;
	const pub = new IORedis(settings.url, { connectionName: 'zwerm-control' });
	const sub = new IORedis(settings.url, { connectionName: 'zwerm-control' });
	const warn = (error: unknown) => deps.logger.warn('redis-control-error', { error: String(error) });
	for (const client of [pub, sub]) client.on('error', warn);
	const subscribed = sub.subscribe(channel).catch(warn);
	const ID = /^[A-Za-z0-9_-]{10,32}$/;
	const SLUG = /^[a-z0-9-]{1,64}$/;
	sub.on('message', (from: string, raw: string) => {
		if (from !== channel) return;
		try {
			const message = JSON.parse(raw) as { kind?: unknown; memberId?: unknown; order?: Partial<ActivityOrder> };
			if (message.kind === 'close-member' && typeof message.memberId === 'string' && ID.test(message.memberId)) {
				deps.closeMember(message.memberId);
			} else if (message.kind === 'activity' && message.order) {
				// The handler parses the body; here only the addressing is checked.
				const o = message.order as Record<string, unknown>;
				if (typeof o.practiceId !== 'string' || !ID.test(o.practiceId) || typeof o.boardId !== 'string' || !SLUG.test(o.boardId)) return;
				if (typeof o.activity !== 'string' || !SLUG.test(o.activity) || typeof o.action !== 'string' || !SLUG.test(o.action)) return;
				if (o.memberId !== null && (typeof o.memberId !== 'string' || !ID.test(o.memberId))) return;
				deps.activityOrder(o as unknown as ActivityOrder).catch(warn);
			}
		} catch (error) {
			warn(error);
		}
	});
	const send = async (message: unknown) => {
		await subscribed;
		await pub.publish(channel, JSON.stringify(message)).catch(warn);
	};
	return {
		closeMember: (memberId) => send({ kind: 'close-member', memberId }),
		forwardActivity: (order) => send({ kind: 'activity', order }),
		async close() {
			pub.disconnect();
			sub.disconnect();
		}
	};
}
