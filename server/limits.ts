import type { IncomingMessage } from 'node:http';
import type { WebSocket } from 'ws';

/**
 * What one client may cost the server: messages per second, concurrent
 * connections per address, and bytes waiting for a client that does not read.
 */
export interface Limits {
	/** Sustained messages per second per connection (token-bucket refill rate). */
	readonly messagesPerSecond: number;
	/** Messages a connection may send at once before the rate applies (bucket size). */
	readonly messageBurst: number;
	/**
	 * Concurrent websocket connections per remote address. Generous on purpose:
	 * a school or office behind one NAT address shares it.
	 */
	readonly connectionsPerAddress: number;
	/** A socket with more than this many bytes waiting to be sent is a slow reader and is closed. */
	readonly maxBufferedBytes: number;
	/**
	 * Count by the address the proxy in front saw (the last X-Forwarded-For
	 * entry) instead of the socket's peer. Only behind one reverse proxy that
	 * appends it; defaults to `ZWERM_TRUST_PROXY=1`. Without it, everyone
	 * behind that proxy shares its address and its `connectionsPerAddress`.
	 */
	readonly trustProxy: boolean;
}

export const DEFAULT_LIMITS: Omit<Limits, 'trustProxy'> = {
	messagesPerSecond: 300,
	messageBurst: 600,
	connectionsPerAddress: 256,
	maxBufferedBytes: 8 * 1024 * 1024
};

export function resolveLimits(overrides: Partial<Limits> = {}): Limits {
	return { ...DEFAULT_LIMITS, trustProxy: process.env.ZWERM_TRUST_PROXY === '1', ...overrides };
}

/** A token bucket: `rate` tokens per second, at most `burst` saved up. */
export class TokenBucket {
	private tokens: number;
	private last: number;
	private readonly rate: number;
	private readonly burst: number;

	constructor(rate: number, burst: number, now = performance.now()) {
		this.rate = rate;
		this.burst = burst;
		this.tokens = burst;
		this.last = now;
	}

	/** Takes one token; false when the bucket is empty. */
	take(now = performance.now()): boolean {
		if (this.rate === Number.POSITIVE_INFINITY) return true; // unlimited (benchmarks)
		this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.rate);
		this.last = now;
		if (this.tokens < 1) return false;
		this.tokens -= 1;
		return true;
	}
}

/**
 * The address a connection is counted under: the TCP peer, unless a trusted
 * proxy names the client. The last X-Forwarded-For entry is the one the proxy
 * added; entries before it come from the client and could be anything.
 */
export function clientAddress(request: IncomingMessage, trustProxy: boolean): string {
	if (trustProxy) {
		const header = request.headers['x-forwarded-for'];
		const last = (Array.isArray(header) ? header.join(',') : header)?.split(',').at(-1)?.trim();
		if (last) return last;
	}
	return request.socket.remoteAddress ?? 'unknown';
}

/** Concurrent connections per address. */
export class AddressCounter {
	private readonly counts = new Map<string, number>();
	private readonly max: number;

	constructor(max: number) {
		this.max = max;
	}

	/** Counts one more connection from `address`; false (and not counted) when it is at the limit. */
	acquire(address: string): boolean {
		const n = this.counts.get(address) ?? 0;
		if (n >= this.max) return false;
		this.counts.set(address, n + 1);
		return true;
	}

	release(address: string): void {
		const n = (this.counts.get(address) ?? 0) - 1;
		if (n > 0) this.counts.set(address, n);
		else this.counts.delete(address);
	}

	count(address: string): number {
		return this.counts.get(address) ?? 0;
	}
}

/**
 * Counters for operators and tests: connections refused or closed because
 * of a limit, and the bytes currently waiting for open sockets.
 */
export class LimitStats {
	readonly refused = { perAddress: 0 };
	readonly closed = { rateLimited: 0, slowReader: 0 };
	readonly sockets = new Set<WebSocket>();

	/** Bytes queued for all open collaboration sockets, not yet written to the network. */
	bufferedBytes(): number {
		let total = 0;
		for (const ws of this.sockets) total += ws.bufferedAmount;
		return total;
	}
}
