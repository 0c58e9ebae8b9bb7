import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Hocuspocus } from '@hocuspocus/server';
import { WebSocketServer, type WebSocket } from 'ws';
import { GatedSocket } from './gated-socket.ts';
import type { EventDigest } from './logger.ts';
import { CloseReason } from './close-reasons.ts';
import { AddressCounter, LimitStats, StrangerLimits, TokenBucket, clientAddress, limitFailedSignIns, type Limits } from './limits.ts';
import type { ZwermMetrics } from './metrics.ts';
import { AwarenessThrottle, crowdInterval } from './awareness-throttle.ts';
import type { Access } from './extensions/access.ts';

export const COLLAB_PATH = '/collab';

interface UpgradeDeps {
	readonly limits: Limits;
	readonly metrics: ZwermMetrics;
	/** What strangers can cause at will is logged as a digest, not a line each. */
	readonly digest: EventDigest;
	/** Largest websocket frame accepted, in bytes. */
	readonly maxPayload: number;
	/** The server that takes the connections (built after this: its Access needs `limitSignIns`). */
	readonly hocuspocus: () => Hocuspocus;
}

/** An upgrade Hocuspocus got, by the request it hands to its hooks. */
interface Upgraded {
	readonly address: string;
	refused: boolean;
	readonly close: () => void;
}

/**
 * Websocket upgrades on the collaboration path: the Origin check, the
 * per-address budgets (failed sign-ins, new connections, open connections),
 * then a GatedSocket with a message rate and a slow-reader limit, and
 * coalesced pointers on crowded boards.
 */
export class Upgrades {
	readonly wss: WebSocketServer;
	readonly addresses: AddressCounter;
	readonly strangers: StrangerLimits;
	readonly stats = new LimitStats();
	private readonly deps: UpgradeDeps;
	/** Each connection's address, by the request Hocuspocus hands to its hooks. */
	private readonly upgraded = new WeakMap<Request, Upgraded>();

	constructor(deps: UpgradeDeps) {
		this.deps = deps;
		this.addresses = new AddressCounter(deps.limits.connectionsPerAddress);
		this.strangers = new StrangerLimits(deps.limits);
		this.wss = new WebSocketServer({ noServer: true, maxPayload: deps.maxPayload });
	}

	/** `access` with failed sign-ins counted per address: once too many, the connection closes and the address waits. */
	limitSignIns(access: Access): Access {
		return limitFailedSignIns(access, {
			budget: this.strangers.authFailures,
			addressOf: (request) => this.upgraded.get(request)?.address,
			onExhausted: (request) => {
				const upgrade = this.upgraded.get(request);
				if (!upgrade || upgrade.refused) return;
				upgrade.refused = true;
				this.stats.refused.authFailures++;
				this.deps.digest.warn('sign-ins-refused', { address: upgrade.address, reason: 'too many failed sign-ins' });
				upgrade.close();
			}
		});
	}

	/** Takes a websocket upgrade on the collaboration path; false for any other path. */
	handle(request: IncomingMessage, socket: Duplex, head: Buffer): boolean {
		const url = new URL(request.url ?? '/', 'http://localhost');
		if (url.pathname !== COLLAB_PATH) return false;
		if (!originAllowed(request)) {
			socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
			return true;
		}
		const address = clientAddress(request, this.deps.limits.trustProxy);
		if (this.refused(socket, address)) return true;
		// The TCP socket closes however the upgrade ends (refused, failed, or a websocket that closed).
		socket.once('close', () => this.addresses.release(address));
		this.wss.handleUpgrade(request, socket, head, (ws) => this.accept(ws, request, address));
		return true;
	}

	/** Closes every websocket (the server drains). */
	closeAll(): void {
		for (const ws of this.wss.clients) ws.close(1001, 'server-shutting-down');
	}

	/** Refuses an upgrade from an address over one of its budgets (429 with Retry-After); true when it did. */
	private refused(socket: Duplex, address: string): boolean {
		const { strangers, stats, deps } = this;
		if (!strangers.authFailures.ready(address)) {
			stats.refused.authFailures++;
			deps.digest.warn('connection-refused', { address, reason: 'too many failed sign-ins' }, 'connection-refused:auth');
			refuse(socket, '429 Too Many Requests', strangers.authFailures.retryAfter(address));
			return true;
		}
		if (!strangers.connects.take(address)) {
			stats.refused.connectRate++;
			deps.digest.warn('connection-refused', { address, reason: 'too many new connections' }, 'connection-refused:rate');
			refuse(socket, '429 Too Many Requests', strangers.connects.retryAfter(address));
			return true;
		}
		if (!this.addresses.acquire(address)) {
			stats.refused.perAddress++;
			deps.digest.warn('connection-refused', { address, reason: 'too many open connections' }, 'connection-refused:open');
			refuse(socket, '429 Too Many Requests', 1);
			return true;
		}
		return false;
	}

	/** Hands an upgraded websocket to Hocuspocus, behind its gate, rate limit and pointer throttle. */
	private accept(ws: WebSocket, request: IncomingMessage, address: string): void {
		const { limits, metrics, digest } = this.deps;
		const hocuspocus = this.deps.hocuspocus();
		this.stats.sockets.add(ws);
		const gated = new GatedSocket(ws, {
			onHeld: (ms) => metrics.ackHoldSeconds.observe(ms / 1000),
			maxBufferedBytes: limits.maxBufferedBytes,
			onSlowReader: () => {
				this.stats.closed.slowReader++;
				cutOff(ws);
			}
		});
		const bucket = new TokenBucket(limits.messagesPerSecond, limits.messageBurst);
		const webRequest = asWebRequest(request);
		this.upgraded.set(webRequest, {
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
				this.stats.closed.rateLimited++;
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
			this.stats.sockets.delete(ws);
			client.handleClose({ code, reason: reason.toString() });
		});
		ws.on('error', (error) => digest.warn('websocket-error', { address, error: String(error) }, `websocket-error:${(error as { code?: string }).code ?? ''}`));
	}
}

function refuse(socket: Duplex, status: string, retryAfter: number): void {
	socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nRetry-After: ${Math.max(1, retryAfter)}\r\nContent-Length: 0\r\n\r\n`);
}

/** A client that broke a limit may not answer the close handshake: cut it off soon after. */
function cutOff(ws: WebSocket): void {
	setTimeout(() => ws.terminate(), 2000).unref();
}

/** The upgrade request as the Fetch API's Request Hocuspocus passes to its hooks. */
function asWebRequest(request: IncomingMessage): Request {
	const headers = new Headers();
	for (const [key, value] of Object.entries(request.headers)) {
		if (typeof value === 'string') headers.set(key, value);
		else if (Array.isArray(value)) headers.set(key, value.join(', '));
	}
	return new Request(new URL(request.url ?? '/', `http://${request.headers.host ?? 'localhost'}`), { headers });
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
