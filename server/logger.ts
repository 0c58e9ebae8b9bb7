import { format } from 'node:util';
import { pino, type DestinationStream, type Level } from 'pino';

type Fields = Record<string, unknown>;

/** Structured logs: one JSON object a line, `event` naming what happened. */
export interface Logger {
	debug(event: string, fields?: Fields): void;
	info(event: string, fields?: Fields): void;
	warn(event: string, fields?: Fields): void;
	error(event: string, fields?: Fields): void;
}

/**
 * Secrets that must never reach a log: session and invite tokens, cookies,
 * authorization headers, wherever a caller put them (one level deep).
 */
export const REDACTED_PATHS = [
	'token',
	'invite',
	'cookie',
	'authorization',
	'password',
	'headers.cookie',
	'headers.authorization',
	'headers["set-cookie"]',
	'*.token',
	'*.invite',
	'*.cookie',
	'*.authorization',
	'*.headers.cookie',
	'*.headers.authorization'
];

/** Path segments after these are tokens: `/join/<invite>`, `/p/<id>/enter/<token>`. */
const TOKEN_IN_PATH = /\/(join|enter)\/[^/?#\s"]+/g;
/** Strings logged from anywhere (error messages, URLs) with tokens in paths masked. */
export const scrubTokens = (text: string): string => text.replace(TOKEN_IN_PATH, '/$1/[redacted]');

export interface LoggerOptions {
	/** Where lines go; stderr by default, synchronously (a line logged right before exit is not lost). */
	readonly destination?: DestinationStream;
	/** `LOG_LEVEL` (debug, info, warn, error, silent); info by default. */
	readonly level?: Level | 'silent';
}

/** The process logger on pino: ISO time, level by name, tokens and cookies redacted. */
export function createLogger(options: LoggerOptions = {}): Logger {
	const log = pino(
		{
			level: options.level ?? (process.env.LOG_LEVEL as Level | undefined) ?? 'info',
			base: undefined,
			messageKey: 'event',
			timestamp: pino.stdTimeFunctions.isoTime,
			formatters: {
				level: (label) => ({ level: label }),
				log: (fields) => Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, typeof v === 'string' ? scrubTokens(v) : v]))
			},
			redact: { paths: REDACTED_PATHS, censor: '[redacted]' }
		},
		options.destination ?? pino.destination({ dest: 2, sync: true })
	);
	const emit = (level: Level) => (event: string, fields: Fields = {}) => log[level](fields, event);
	return { debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error') };
}

export const silentLogger: Logger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

/**
 * Events anyone can cause at will (refused frames, failed sign-ins, socket
 * errors): the first of each kind in an interval is logged as it happens, the
 * rest are counted and summed up in one line when the interval ends. At most
 * `maxKinds` kinds are told apart per interval; the rest share one line.
 */
export class EventDigest {
	private readonly seen = new Map<string, { event: string; repeated: number }>();
	private timer: ReturnType<typeof setInterval> | null = null;
	private readonly logger: Logger;
	private readonly intervalMs: number;
	private readonly maxKinds: number;

	constructor(logger: Logger, options: { intervalMs?: number; maxKinds?: number } = {}) {
		this.logger = logger;
		this.intervalMs = options.intervalMs ?? 60_000;
		this.maxKinds = options.maxKinds ?? 50;
	}

	/** Logs `event` at warn level unless one of its `kind` (default: the event) was logged in this interval. */
	warn(event: string, fields: Fields = {}, kind = event): void {
		const entry = this.seen.get(kind);
		if (entry) {
			entry.repeated++;
			return;
		}
		if (this.seen.size >= this.maxKinds) {
			const other = this.seen.get('');
			if (other) other.repeated++;
			else this.seen.set('', { event: 'repeated-events', repeated: 1 });
			return;
		}
		this.seen.set(kind, { event, repeated: 0 });
		this.logger.warn(event, fields);
		this.timer ??= setInterval(() => this.flush(), this.intervalMs).unref();
	}

	/** Logs the counts of this interval and starts the next one. */
	flush(): void {
		for (const [kind, { event, repeated }] of this.seen) {
			if (repeated > 0) this.logger.warn(event, { repeated, seconds: this.intervalMs / 1000, ...(kind !== event && kind ? { kind } : {}) });
		}
		if (this.seen.size === 0 && this.timer) {
			clearInterval(this.timer);
			this.timer = null;
		}
		this.seen.clear();
	}

	stop(): void {
		this.flush();
		if (this.timer) clearInterval(this.timer);
		this.timer = null;
	}
}

/** Hocuspocus' console messages, by what caused them (message texts of @hocuspocus/server 4.7). */
const CONSOLE_KINDS: readonly (readonly [RegExp, string])[] = [
	[/^closing connection \S+ \(while handling/, 'hocuspocus-message-refused'],
	[/^\[(\w+)\] /, 'hocuspocus-hook-refused'],
	[/unauthenticated message queue/, 'hocuspocus-queue-limit'],
	[/too many pending unauthenticated documents/, 'hocuspocus-pending-limit'],
	[/^Unable to handle message of type/, 'hocuspocus-unknown-message'],
	[/^Received an authentication message on a connection that is already/, 'hocuspocus-repeated-auth'],
	[/^WebSocket error for peer/, 'hocuspocus-websocket-error'],
	[/^Caught error during storeDocumentHooks/, 'hocuspocus-store-failed']
];

/**
 * Routes `console.error` and `console.warn` into the logger through a digest:
 * Hocuspocus prints one (often multi-line) complaint per refused frame or
 * failed authentication, so a stranger could otherwise write the log at the
 * speed of their connection. Returns a function that restores the console.
 */
export function routeConsole(logger: Logger, options: { intervalMs?: number } = {}): () => void {
	const digest = new EventDigest(logger, options);
	const original = { error: console.error, warn: console.warn };
	const route = (args: unknown[]) => {
		const text = scrubTokens(format(...args));
		const firstLine = text.split('\n', 1)[0];
		const known = CONSOLE_KINDS.find(([pattern]) => pattern.test(firstLine));
		const hook = known?.[1] === 'hocuspocus-hook-refused' ? firstLine.match(/^\[(\w+)\]/)?.[1] : undefined;
		const event = known?.[1] ?? 'console';
		// Unknown messages are told apart by their first line, digits and ids folded together.
		const kind = known ? `${event}${hook ? `:${hook}` : ''}` : `console:${firstLine.replace(/[0-9a-f-]{6,}|\d+/gi, '#').slice(0, 120)}`;
		digest.warn(event, { message: text.slice(0, 1000), ...(hook ? { hook } : {}) }, kind);
	};
	console.error = (...args: unknown[]) => route(args);
	console.warn = (...args: unknown[]) => route(args);
	return () => {
		digest.stop();
		console.error = original.error;
		console.warn = original.warn;
	};
}
