import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { Hocuspocus, isTransactionOrigin, type onChangePayload } from '@hocuspocus/server';
import { WebSocketServer, type WebSocket } from 'ws';
import * as Y from 'yjs';
import type { Storage } from './storage/types.ts';
import { DurableLog } from './extensions/durable-log.ts';
import { Quota, type QuotaLimits } from './extensions/quota.ts';
import { Access } from './extensions/access.ts';
import { SchemaGuard } from './extensions/schema.ts';
import { Practices } from './practices.ts';
import { DeviceCodes } from './device-codes.ts';
import { GatedSocket } from './gated-socket.ts';
import { EventDigest, createLogger, type Logger } from './logger.ts';
import { Activities } from './activities/index.ts';
import { AnonymousMirror } from './anonymous-mirror.ts';
import { Erasure } from './erasure.ts';
import type { ServiceContext } from './service-context.ts';
import { BoardReader } from './board-reader.ts';
import { History } from './history.ts';
import { CloseReason } from './close-reasons.ts';
import { AddressCounter, LimitStats, StrangerLimits, TokenBucket, clientAddress, limitFailedSignIns, resolveLimits, type Limits } from './limits.ts';
import { ZwermMetrics, instrumentLog } from './metrics.ts';
import { createControlChannel, createRedisExtension, type RedisSettings } from './redis.ts';
import { AwarenessThrottle, crowdInterval } from './awareness-throttle.ts';
import type { MemberId } from '../src/lib/domain/ids.ts';

export const COLLAB_PATH = '/collab';

export interface ZwermOptions {
	readonly storage: Storage;
	readonly logger?: Logger;
	/** Largest websocket frame accepted, in bytes. */
	readonly maxPayload?: number;
	readonly checkpointEvery?: number;
	/** Hocuspocus store debounce (ms): when a quiet document's log is folded into a checkpoint. */
	readonly storeDebounce?: number;
	/**
	 * Off only for the benchmark's baseline: documents live in memory and
	 * acknowledgements no longer wait for the disk.
	 */
	readonly durableLog?: boolean;
	/** Per-connection message rate, connections per address, slow readers (see server/limits.ts). */
	readonly limits?: Partial<Limits>;
	/**
	 * Scale-out: instances on one database share live documents and presence
	 * through Redis (see server/redis.ts). Needs a storage all of them share.
	 */
	readonly redis?: RedisSettings;
	/** Per note, per document and per member (see server/extensions/quota.ts). */
	readonly quota?: Partial<QuotaLimits>;
	/** How long a code to continue on another device works (ms; 10 minutes). */
	readonly deviceCodeTtlMs?: number;
}

export type Zwerm = Awaited<ReturnType<typeof createZwerm>>;

/**
 * The collaboration server without a process around it: tests build one on a
 * random port, `server/main.ts` and the Vite plugin wrap it in a real one.
 */
export function createZwerm(options: ZwermOptions) {
	const { storage } = options;
	const logger = options.logger ?? createLogger();
	const metrics = new ZwermMetrics({
		connections: () => wss.clients.size,
		documents: () => hocuspocus.getDocumentsCount(),
		limits: () => ({ ...limitStats.refused, ...limitStats.closed })
	});
	// What strangers can cause at will is logged as a digest, not a line each.
	const digest = new EventDigest(logger);
	const limits = resolveLimits(options.limits);
	const addresses = new AddressCounter(limits.connectionsPerAddress);
	const strangers = new StrangerLimits(limits);
	const limitStats = new LimitStats();
	/** Each connection's address, by the request Hocuspocus hands to its hooks. */
	const upgrades = new WeakMap<Request, { address: string; refused: boolean; close: () => void }>();
	const durable = new DurableLog(instrumentLog(storage.log, metrics), {
		checkpointEvery: options.checkpointEvery ?? 500,
		log: (event, fields) => logger.warn(event, fields)
	});
	const quota = new Quota(storage.log, options.quota);
	const openDirect = (name: string) => hocuspocus.openDirectConnection(name, {});
	const whenStored = () => durable.batcher.idle();

	/** Closes every connection of a member at once (removed, role changed, left). */
	function closeMember(memberId: MemberId): number {
		let closed = 0;
		for (const document of hocuspocus.documents.values()) {
			for (const connection of document.getConnections()) {
				if ((connection.context as { memberId?: string } | undefined)?.memberId !== memberId) continue;
				const socket = connection.webSocket;
				if (socket instanceof GatedSocket) socket.fail(CloseReason.Forbidden.code, CloseReason.Forbidden.reason);
				else connection.close({ code: CloseReason.Forbidden.code, reason: CloseReason.Forbidden.reason });
				closed++;
			}
		}
		return closed;
	}

	// With several instances, a member's other devices may be connected elsewhere: tell every instance.
	const control = options.redis
		? createControlChannel(options.redis, { closeMember: (id) => closeMember(id as MemberId), activityOrder: (order) => activities.handleOrder(order), logger })
		: null;
	const ctx: ServiceContext = {
		storage,
		documents: { open: openDirect, read: (name) => readDocument(name), whenStored },
		bus: control,
		logger
	};
	const mirror = new AnonymousMirror(ctx);
	const erasure = new Erasure(ctx, mirror);
	const activities = new Activities(ctx, mirror);
	const closeEverywhere = (memberId: MemberId): number => {
		if (control) void control.closeMember(memberId);
		return closeMember(memberId);
	};
	const practices: Practices = new Practices(storage, openDirect, whenStored, { erasure, closeMember: closeEverywhere });
	const redis = options.redis ? createRedisExtension(options.redis, { whenLogged: (name) => durable.logged(name), logger }) : null;
	const hocuspocus: Hocuspocus = new Hocuspocus({
		name: 'zwerm',
		quiet: true,
		debounce: options.storeDebounce ?? 2000,
		maxDebounce: 10000,
		timeout: 30000,
		extensions: [
			quota,
			...(options.durableLog === false ? [] : [durable]),
			// Checks every client update against the lane schema before DurableLog and Hocuspocus see it.
			new SchemaGuard({ log: (event, fields) => logger.warn(event, fields) }),
			// Same priority as DurableLog and after it: its store (wait for the log, fold a checkpoint) runs before the extension's lock.
			...(redis ? [redis] : []),
			limitFailedSignIns(new Access(practices), {
				budget: strangers.authFailures,
				addressOf: (request) => upgrades.get(request)?.address,
				onExhausted: (request) => {
					const upgrade = upgrades.get(request);
					if (!upgrade || upgrade.refused) return;
					upgrade.refused = true;
					limitStats.refused.authFailures++;
					digest.warn('sign-ins-refused', { address: upgrade.address, reason: 'too many failed sign-ins' });
					upgrade.close();
				}
			}),
			{
				extensionName: 'zwerm-privacy',
				// A throw here would end the process (Hocuspocus does not catch onChange).
				async onChange({ documentName, transactionOrigin }: onChangePayload) {
					// Another instance's change is mirrored by that instance.
					if (isTransactionOrigin(transactionOrigin) && transactionOrigin.source === 'redis') return;
					try {
						mirror.onDocumentChange(documentName);
						activities.onDocumentChange(documentName);
					} catch (error) {
						logger.warn('privacy-on-change-failed', { error: String(error) });
					}
				}
			}
		]
	});
	const reader = new BoardReader({ storage, readDocument: (name) => readDocument(name) });
	const history = new History({
		storage,
		reader,
		readDocument: (name) => readDocument(name),
		openDirect: (name, context) => hocuspocus.openDirectConnection(name, context),
		whenStored
	});
	activities.restore().catch((error) => logger.warn('restore-rounds-failed', { error: String(error) }));

	const wss = new WebSocketServer({ noServer: true, maxPayload: options.maxPayload ?? 8 * 1024 * 1024 });
	const refuse = (socket: Duplex, status: string, retryAfter: number) =>
		socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nRetry-After: ${Math.max(1, retryAfter)}\r\nContent-Length: 0\r\n\r\n`);
	/** A client that broke a limit may not answer the close handshake: cut it off soon after. */
	const cutOff = (ws: WebSocket) => setTimeout(() => ws.terminate(), 2000).unref();

	/** Takes a websocket upgrade on the collaboration path; false for any other path. */
	function handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): boolean {
		const url = new URL(request.url ?? '/', 'http://localhost');
		if (url.pathname !== COLLAB_PATH) return false;
		if (!originAllowed(request)) {
			socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
			return true;
		}
		const address = clientAddress(request, limits.trustProxy);
		if (!strangers.authFailures.ready(address)) {
			limitStats.refused.authFailures++;
			digest.warn('connection-refused', { address, reason: 'too many failed sign-ins' }, 'connection-refused:auth');
			refuse(socket, '429 Too Many Requests', strangers.authFailures.retryAfter(address));
			return true;
		}
		if (!strangers.connects.take(address)) {
			limitStats.refused.connectRate++;
			digest.warn('connection-refused', { address, reason: 'too many new connections' }, 'connection-refused:rate');
			refuse(socket, '429 Too Many Requests', strangers.connects.retryAfter(address));
			return true;
		}
		if (!addresses.acquire(address)) {
			limitStats.refused.perAddress++;
			digest.warn('connection-refused', { address, reason: 'too many open connections' }, 'connection-refused:open');
			refuse(socket, '429 Too Many Requests', 1);
			return true;
		}
		// The TCP socket closes however the upgrade ends (refused, failed, or a websocket that closed).
		socket.once('close', () => addresses.release(address));
		wss.handleUpgrade(request, socket, head, (ws) => {
			limitStats.sockets.add(ws);
			const gated = new GatedSocket(ws, {
				onHeld: (ms) => metrics.ackHoldSeconds.observe(ms / 1000),
				maxBufferedBytes: limits.maxBufferedBytes,
				onSlowReader: () => {
					limitStats.closed.slowReader++;
					cutOff(ws);
				}
			});
			const bucket = new TokenBucket(limits.messagesPerSecond, limits.messageBurst);
			const headers = new Headers();
			for (const [key, value] of Object.entries(request.headers)) {
				if (typeof value === 'string') headers.set(key, value);
				else if (Array.isArray(value)) headers.set(key, value.join(', '));
			}
			const webRequest = new Request(new URL(request.url ?? '/', `http://${request.headers.host ?? 'localhost'}`), {
				headers
			});
			upgrades.set(webRequest, {
				address,
				refused: false,
				close: () => {
					gated.fail(CloseReason.RateLimited.code, CloseReason.RateLimited.reason);
					cutOff(ws);
				}
			});
			const client = hocuspocus.handleConnection(gated, webRequest);
			// On a crowded board, pointers are coalesced per connection (see server/awareness-throttle.ts).
			const throttle = new AwarenessThrottle(
				(name) => crowdInterval(hocuspocus.documents.get(name)?.getConnectionsCount() ?? 0),
				(frame) => client.handleMessage(frame)
			);
			ws.on('message', (data: Buffer, isBinary) => {
				// Frames still arriving after the server decided to close are not handled.
				if (ws.readyState !== ws.OPEN) return;
				if (!bucket.take()) {
					limitStats.closed.rateLimited++;
					gated.fail(CloseReason.RateLimited.code, CloseReason.RateLimited.reason);
					cutOff(ws);
					return;
				}
				if (!isBinary) {
					ws.close(4400, 'binary-frames-only');
					return;
				}
				metrics.messageReceived(data);
				throttle.handle(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
			});
			ws.on('close', (code, reason) => {
				throttle.close();
				limitStats.sockets.delete(ws);
				client.handleClose({ code, reason: reason.toString() });
			});
			ws.on('error', (error) => digest.warn('websocket-error', { address, error: String(error) }, `websocket-error:${(error as { code?: string }).code ?? ''}`));
		});
		return true;
	}

	/** Reads a document: the live copy when loaded, else from storage. */
	async function readDocument(name: string): Promise<Y.Doc> {
		const live = hocuspocus.documents.get(name);
		if (live) return live;
		const stored = await storage.log.load(name);
		const doc = new Y.Doc();
		if (stored.checkpoint) Y.applyUpdateV2(doc, stored.checkpoint);
		for (const update of stored.updates) Y.applyUpdate(doc, update);
		return doc;
	}

	/**
	 * Drains: closes connections, stores pending changes, unloads documents.
	 * If storage keeps failing, gives up after `drainMs` and says how many
	 * updates were not stored (their clients were never told they were saved).
	 */
	async function close(drainMs = 15000): Promise<void> {
		await activities.stop();
		await mirror.stop();
		for (const ws of wss.clients) ws.close(1001, 'server-shutting-down');
		hocuspocus.closeConnections();
		hocuspocus.flushPendingStores();
		const deadline = Date.now() + drainMs;
		const timeLeft = () => new Promise<void>((r) => setTimeout(r, Math.max(0, deadline - Date.now())));
		await Promise.race([durable.batcher.idle(), timeLeft()]);
		while (hocuspocus.getDocumentsCount() > 0 && Date.now() < deadline) {
			await new Promise((r) => setTimeout(r, 20));
		}
		await Promise.race([durable.batcher.idle(), timeLeft()]);
		const unsaved = durable.batcher.pending();
		if (unsaved > 0) logger.warn('shutdown-with-unsaved-updates', { count: unsaved });
		digest.stop();
		await redis?.close();
		await control?.close();
		wss.close();
		await storage.close();
	}

	const deviceCodes = new DeviceCodes(storage, options.deviceCodeTtlMs);
	return { hocuspocus, practices, deviceCodes, mirror, activities, history, reader, storage, durable, quota, logger, digest, metrics, handleUpgrade, readDocument, close, closeMember, limits: { ...limits, stats: limitStats, addresses, strangers } };
}

/**
 * Browsers send cookies with cross-site websocket upgrades; refuse upgrades
 * from pages on another host. Scripts (no Origin header) authenticate with a token.
 */
function originAllowed(request: IncomingMessage): boolean {
	const origin = request.headers.origin;
	if (!origin) return true;
	try {
		return new URL(origin).host === request.headers.host;
	} catch {
		return false;
	}
}
