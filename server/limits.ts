import type { IncomingMessage } from 'node:http';
import type { WebSocket } from 'ws';
import type { onAuthenticatePayload } from '@hocuspocus/server';
import { CloseError } from './close-reasons.ts';

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
	/**
	 * New websocket connections per address: sustained per minute, and at once.
	 * The burst lets a whole class behind one NAT address reconnect after a restart.
	 */
	readonly connectsPerMinute: number;
	readonly connectBurst: number;
	/**
	 * Failed sign-ins per address (a bad token or cookie, a document that does
	 * not exist or may not be opened): sustained per minute, and at once. Past
	 * it, the address's sign-ins and new connections are refused until the
	 * budget refills.
	 */
	readonly authFailuresPerMinute: number;
	readonly authFailureBurst: number;
	/** Practices created per address (start page and POST /api/practices): per hour, and at once. */
	readonly practicesPerHour: number;
	readonly practiceBurst: number;
}

export const DEFAULT_LIMITS: Omit<Limits, 'trustProxy'> = {
	messagesPerSecond: 300,
	messageBurst: 600,
	connectionsPerAddress: 256,
	maxBufferedBytes: 8 * 1024 * 1024,
	connectsPerMinute: 600,
	connectBurst: 300,
	authFailuresPerMinute: 30,
	authFailureBurst: 100,
	practicesPerHour: 60,
	// docs/API.md's scripted set-up creates forty practices at once.
	practiceBurst: 60
};

/** Environment variables that override a limit (documented in docs/DEPLOY.md). */
const ENV_LIMITS = {
	connectsPerMinute: 'ZWERM_CONNECTS_PER_MINUTE',
	connectBurst: 'ZWERM_CONNECT_BURST',
	authFailuresPerMinute: 'ZWERM_AUTH_FAILURES_PER_MINUTE',
	authFailureBurst: 'ZWERM_AUTH_FAILURE_BURST',
	practicesPerHour: 'ZWERM_PRACTICES_PER_HOUR',
	practiceBurst: 'ZWERM_PRACTICE_BURST'
} as const satisfies Partial<Record<keyof Limits, string>>;

function fromEnv(): Partial<Limits> {
	const out: Partial<Record<keyof typeof ENV_LIMITS, number>> = {};
	for (const [key, name] of Object.entries(ENV_LIMITS)) {
		const raw = process.env[name]?.trim();
		if (!raw) continue;
		const value = raw === 'Infinity' ? Number.POSITIVE_INFINITY : Number(raw);
		if (!(value > 0)) throw new Error(`${name} must be a positive number or Infinity, not ${JSON.stringify(raw)}`);
		out[key as keyof typeof ENV_LIMITS] = value;
	}
	return out;
}

export function resolveLimits(overrides: Partial<Limits> = {}): Limits {
	return { ...DEFAULT_LIMITS, trustProxy: process.env.ZWERM_TRUST_PROXY === '1', ...fromEnv(), ...overrides };
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

	private refill(now: number): void {
		this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.rate);
		this.last = now;
	}

	/** Takes one token; false when the bucket is empty. */
	take(now = performance.now()): boolean {
		if (this.rate === Number.POSITIVE_INFINITY) return true; // unlimited (benchmarks)
		this.refill(now);
		if (this.tokens < 1) return false;
		this.tokens -= 1;
		return true;
	}

	/** Whether a token is there, without taking it. */
	ready(now = performance.now()): boolean {
		if (this.rate === Number.POSITIVE_INFINITY) return true;
		this.refill(now);
		return this.tokens >= 1;
	}

	/** Back to its full burst: nothing to remember about it. */
	full(now = performance.now()): boolean {
		this.refill(now);
		return this.tokens >= this.burst;
	}

	/** Seconds until a token is there (0 when one is). */
	secondsUntilReady(now = performance.now()): number {
		if (this.ready(now)) return 0;
		return Math.ceil((1 - this.tokens) / this.rate);
	}
}

/**
 * A token bucket per address. Buckets that have refilled are forgotten (swept
 * at most once a `sweepMs`), so the map holds only addresses that spent
 * something recently, however many addresses come by.
 */
export class AddressBuckets {
	private readonly buckets = new Map<string, TokenBucket>();
	private lastSweep = performance.now();
	private readonly perSecond: number;
	private readonly burst: number;
	private readonly sweepMs: number;

	constructor(perSecond: number, burst: number, sweepMs = 60_000) {
		this.perSecond = perSecond;
		this.burst = burst;
		this.sweepMs = sweepMs;
	}

	private bucket(address: string, now: number): TokenBucket {
		if (now - this.lastSweep > this.sweepMs) {
			this.lastSweep = now;
			for (const [key, bucket] of this.buckets) if (bucket.full(now)) this.buckets.delete(key);
		}
		let bucket = this.buckets.get(address);
		if (!bucket) this.buckets.set(address, (bucket = new TokenBucket(this.perSecond, this.burst, now)));
		return bucket;
	}

	/** Spends one of `address`'s tokens; false when it has none left. */
	take(address: string, now = performance.now()): boolean {
		if (this.perSecond === Number.POSITIVE_INFINITY) return true;
		return this.bucket(address, now).take(now);
	}

	/** Whether `address` has a token left (nothing spent). */
	ready(address: string, now = performance.now()): boolean {
		return this.buckets.get(address)?.ready(now) ?? true;
	}

	/** Seconds until `address` has a token again. */
	retryAfter(address: string, now = performance.now()): number {
		return this.buckets.get(address)?.secondsUntilReady(now) ?? 0;
	}

	/** Addresses remembered (for tests and the fuzz bench's leak check). */
	get size(): number {
		return this.buckets.size;
	}
}

/**
 * The address a connection is counted under: the TCP peer, unless a trusted
 * proxy names the client. The last X-Forwarded-For entry is the one the proxy
 * added; entries before it come from the client and could be anything.
 */
export function clientAddress(request: IncomingMessage, trustProxy: boolean): string {
	const header = request.headers['x-forwarded-for'];
	return addressOf(Array.isArray(header) ? header.join(',') : header, request.socket.remoteAddress, trustProxy);
}

/** The same for an HTTP request: its X-Forwarded-For header and the peer address SvelteKit reports. */
export function addressOf(forwardedFor: string | null | undefined, peer: string | undefined, trustProxy: boolean): string {
	if (trustProxy) {
		const last = forwardedFor?.split(',').at(-1)?.trim();
		if (last) return last;
	}
	return peer ?? 'unknown';
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
	readonly refused = { perAddress: 0, connectRate: 0, authFailures: 0, practiceRate: 0 };
	readonly closed = { rateLimited: 0, slowReader: 0 };
	readonly sockets = new Set<WebSocket>();

	/** Bytes queued for all open collaboration sockets, not yet written to the network. */
	bufferedBytes(): number {
		let total = 0;
		for (const ws of this.sockets) total += ws.bufferedAmount;
		return total;
	}
}

/**
 * What a stranger may spend per address: new connections, failed sign-ins,
 * practices created. Each is a token bucket per address (`AddressBuckets`).
 */
export class StrangerLimits {
	readonly connects: AddressBuckets;
	readonly authFailures: AddressBuckets;
	readonly practices: AddressBuckets;

	constructor(limits: Limits) {
		this.connects = new AddressBuckets(limits.connectsPerMinute / 60, limits.connectBurst);
		this.authFailures = new AddressBuckets(limits.authFailuresPerMinute / 60, limits.authFailureBurst);
		this.practices = new AddressBuckets(limits.practicesPerHour / 3600, limits.practiceBurst);
	}
}

type SignIn = (payload: onAuthenticatePayload) => Promise<unknown>;

/**
 * Wraps an extension's `onAuthenticate` so that every refusal spends one of
 * the address's failed-sign-in tokens. An address without tokens left is
 * refused at once (`4429 rate-limited`, no database look-up) and
 * `onExhausted` is told, so the caller can close the socket.
 */
export function limitFailedSignIns<E extends { onAuthenticate: SignIn }>(
	extension: E,
	options: { budget: AddressBuckets; addressOf: (request: Request) => string | undefined; onExhausted: (request: Request) => void }
): E {
	const signIn = extension.onAuthenticate.bind(extension);
	extension.onAuthenticate = async (payload) => {
		const address = options.addressOf(payload.request);
		if (address !== undefined && !options.budget.ready(address)) {
			options.onExhausted(payload.request);
			throw new CloseError('RateLimited', 'too many failed sign-ins');
		}
		try {
			return await signIn(payload);
		} catch (error) {
			if (address !== undefined && !options.budget.take(address)) options.onExhausted(payload.request);
			throw error;
		}
	};
	return extension;
}
