import { Hocuspocus, isTransactionOrigin, type onChangePayload } from '@hocuspocus/server';
import * as Y from 'yjs';
import type { Storage } from './storage/types.ts';
import { DurableLog } from './extensions/durable-log.ts';
import { Quota, type QuotaLimits } from './extensions/quota.ts';
import { Access } from './extensions/access.ts';
import { SchemaGuard } from './extensions/schema.ts';
import { GatedSocket } from './gated-socket.ts';
import { EventDigest, createLogger, type Logger } from './logger.ts';
import type { ServiceContext } from './service-context.ts';
import { createServices, type Services } from './services.ts';
import { CloseReason } from './close-reasons.ts';
import { resolveLimits, type Limits } from './limits.ts';
import { ZwermMetrics, instrumentLog } from './metrics.ts';
import { createControlChannel, createRedisExtension, type RedisSettings } from './redis.ts';
import { Upgrades } from './upgrade.ts';
import { guardUnloads } from './unload-guard.ts';
import type { MemberId } from '#lib/domain/ids.ts';

export { COLLAB_PATH } from './upgrade.ts';

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
	/** How long a code to pair the room's screen works (ms; 10 minutes). */
	readonly screenCodeTtlMs?: number;
}

export type Zwerm = Awaited<ReturnType<typeof createZwerm>>;

/**
 * The collaboration server without a process around it: tests build one on a
 * random port, `server/main.ts` and the Vite plugin wrap it in a real one.
 * The services (server/services.ts) share one ServiceContext; websocket
 * upgrades go through server/upgrade.ts.
 */
export function createZwerm(options: ZwermOptions) {
	const { storage } = options;
	const logger = options.logger ?? createLogger();
	// What strangers can cause at will is logged as a digest, not a line each.
	const digest = new EventDigest(logger);
	const limits = resolveLimits(options.limits);
	const metrics: ZwermMetrics = new ZwermMetrics({
		connections: () => upgrades.wss.clients.size,
		documents: () => hocuspocus.getDocumentsCount(),
		limits: () => ({ ...upgrades.stats.refused, ...upgrades.stats.closed })
	});
	const upgrades: Upgrades = new Upgrades({ limits, metrics, digest, maxPayload: options.maxPayload ?? 8 * 1024 * 1024, hocuspocus: () => hocuspocus });
	const durable = new DurableLog(instrumentLog(storage.log, metrics), {
		checkpointEvery: options.checkpointEvery ?? 500,
		log: (event, fields) => logger.warn(event, fields)
	});
	const quota = new Quota(storage.log, options.quota);
	const readDocument = (name: string) => readLiveOrStored(hocuspocus, storage, name);
	const closeMember = (memberId: MemberId) => closeConnectionsOf(hocuspocus, memberId);
	// With several instances, a member's other devices may be connected elsewhere: tell every instance.
	const control = options.redis
		? createControlChannel(options.redis, { closeMember: (id) => closeMember(id as MemberId), activityOrder: (order) => services.activities.handleOrder(order), logger })
		: null;
	const ctx: ServiceContext = {
		storage,
		documents: {
			open: (name, on) => hocuspocus.openDirectConnection(name, on ? { memberId: on.memberId } : {}),
			read: readDocument,
			whenStored: () => durable.batcher.idle()
		},
		bus: control,
		logger
	};
	const closeEverywhere = (memberId: MemberId): number => {
		if (control) void control.closeMember(memberId);
		return closeMember(memberId);
	};
	const services = createServices(ctx, { closeMember: closeEverywhere, deviceCodeTtlMs: options.deviceCodeTtlMs, screenCodeTtlMs: options.screenCodeTtlMs });
	const redis = options.redis ? createRedisExtension(options.redis, { whenLogged: (name) => durable.logged(name), logger }) : null;
	const hocuspocus = collaboration(options, { durable, quota, redis, upgrades, services, logger });
	guardUnloads(hocuspocus);
	services.activities.restore().catch((error) => logger.warn('restore-rounds-failed', { error: String(error) }));

	/**
	 * Drains: closes connections, stores pending changes, unloads documents.
	 * If storage keeps failing, gives up after `drainMs` and says how many
	 * updates were not stored (their clients were never told they were saved).
	 */
	async function close(drainMs = 15000): Promise<void> {
		await services.activities.stop();
		await services.mirror.stop();
		upgrades.closeAll();
		await drain(hocuspocus, durable, logger, drainMs);
		digest.stop();
		await redis?.close();
		await control?.close();
		upgrades.wss.close();
		await storage.close();
	}

	return {
		// practices, deviceCodes, screens, shortLinks, mirror, erasure, activities, reader, meetings, timeline, news, figures
		...services,
		hocuspocus,
		storage,
		durable,
		quota,
		logger,
		digest,
		metrics,
		handleUpgrade: upgrades.handle.bind(upgrades),
		readDocument,
		close,
		closeMember,
		limits: { ...limits, stats: upgrades.stats, addresses: upgrades.addresses, strangers: upgrades.strangers }
	};
}

/** Hocuspocus with Zwerm's extensions, in the order they must run. */
function collaboration(
	options: ZwermOptions,
	parts: { durable: DurableLog; quota: Quota; redis: ReturnType<typeof createRedisExtension> | null; upgrades: Upgrades; services: Services; logger: Logger }
): Hocuspocus {
	const { durable, quota, redis, upgrades, services, logger } = parts;
	return new Hocuspocus({
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
			upgrades.limitSignIns(new Access(services.practices, services.screens)),
			{
				extensionName: 'zwerm-privacy',
				// A throw here would end the process (Hocuspocus does not catch onChange).
				async onChange({ documentName, transactionOrigin }: onChangePayload) {
					// Another instance's change is mirrored by that instance.
					if (isTransactionOrigin(transactionOrigin) && transactionOrigin.source === 'redis') return;
					try {
						services.mirror.onDocumentChange(documentName);
						services.activities.onDocumentChange(documentName);
					} catch (error) {
						logger.warn('privacy-on-change-failed', { error: String(error) });
					}
				}
			}
		]
	});
}

/** Reads a document: the live copy when loaded, else from storage. */
async function readLiveOrStored(hocuspocus: Hocuspocus, storage: Storage, name: string): Promise<Y.Doc> {
	const live = hocuspocus.documents.get(name);
	if (live) return live;
	const stored = await storage.log.load(name);
	const doc = new Y.Doc();
	if (stored.checkpoint) Y.applyUpdateV2(doc, stored.checkpoint);
	for (const update of stored.updates) Y.applyUpdate(doc, update);
	return doc;
}

/**
 * Closes every connection of a member on this instance at once (removed, role
 * changed, left), and of the screens they paired (which then sign in again,
 * or not); or of one screen, by its id (ended).
 */
function closeConnectionsOf(hocuspocus: Hocuspocus, memberId: MemberId): number {
	let closed = 0;
	for (const document of hocuspocus.documents.values()) {
		for (const connection of document.getConnections()) {
			const context = connection.context as { memberId?: string; pairedBy?: string } | undefined;
			if (context?.memberId !== memberId && context?.pairedBy !== memberId) continue;
			const socket = connection.webSocket;
			if (socket instanceof GatedSocket) socket.fail(CloseReason.Forbidden.code, CloseReason.Forbidden.reason);
			else connection.close({ code: CloseReason.Forbidden.code, reason: CloseReason.Forbidden.reason });
			closed++;
		}
	}
	return closed;
}

/** Closes Hocuspocus's connections, stores pending changes and waits (up to `drainMs`) for documents to unload. */
async function drain(hocuspocus: Hocuspocus, durable: DurableLog, logger: Logger, drainMs: number): Promise<void> {
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
}
