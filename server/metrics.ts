import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { DocumentLog } from './storage/log.ts';

/**
 * Zwerm's metrics on prom-client, served at `GET /metrics` in the Prometheus
 * text format, with prom-client's default process and Node.js metrics (CPU,
 * memory, heap spaces, event loop lag, GC pauses, handles). Each server has
 * its own registry, so tests can run several in one process.
 */

/** Latency buckets in seconds: a millisecond to ten seconds. */
export const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Hocuspocus message types (the varuint after the document name), as label values. */
const MESSAGE_KINDS: Record<number, string> = {
	0: 'sync',
	1: 'awareness',
	2: 'auth',
	3: 'query-awareness',
	4: 'sync-reply',
	5: 'stateless',
	6: 'broadcast-stateless',
	7: 'close',
	8: 'sync-status',
	9: 'ping',
	10: 'pong'
};

/** Reads a lib0 varuint at `pos`; null if the buffer ends first. */
function readVarUint(data: Uint8Array, pos: number): { value: number; next: number } | null {
	let value = 0;
	let shift = 0;
	while (pos < data.length && shift < 35) {
		const byte = data[pos++];
		value += (byte & 0x7f) * 2 ** shift;
		if (byte < 0x80) return { value, next: pos };
		shift += 7;
	}
	return null;
}

/** The kind of a Hocuspocus message: document name (varstring), then the type (varuint). */
export function messageKind(data: Uint8Array): string {
	const nameLength = readVarUint(data, 0);
	if (!nameLength) return 'unknown';
	const type = readVarUint(data, nameLength.next + nameLength.value);
	return (type && MESSAGE_KINDS[type.value]) ?? 'unknown';
}

export interface MetricSources {
	/** Open websocket connections. */
	readonly connections: () => number;
	/** Documents loaded in memory. */
	readonly documents: () => number;
	/** Limit counters (server/limits.ts), read at scrape time. */
	readonly limits?: () => Readonly<Record<string, number>>;
}

/** Zwerm's own metrics. */
export class ZwermMetrics {
	readonly registry = new Registry();
	readonly messagesReceived: Counter<'kind'>;
	readonly updatesLogged: Counter;
	readonly logWriteFailures: Counter;
	readonly logWriteSeconds: Histogram;
	readonly ackHoldSeconds: Histogram;
	readonly checkpointSeconds: Histogram;
	readonly checkpointFailures: Counter;

	constructor(sources: MetricSources) {
		const registers = [this.registry];
		const counter = (name: string, help: string) => new Counter({ name, help, registers });
		const histogram = (name: string, help: string) => new Histogram({ name, help, registers, buckets: LATENCY_BUCKETS });
		const gauge = (name: string, help: string, read: () => number) =>
			new Gauge({
				name,
				help,
				registers,
				collect() {
					this.set(read());
				}
			});
		this.messagesReceived = new Counter({ name: 'zwerm_messages_received_total', help: 'Websocket messages received, by Hocuspocus message kind.', labelNames: ['kind'], registers });
		this.updatesLogged = counter('zwerm_updates_logged_total', 'Document updates committed to the durable log.');
		this.logWriteFailures = counter('zwerm_log_write_failures_total', 'Failed commits of a batch of updates to the log (retried).');
		this.logWriteSeconds = histogram('zwerm_log_write_duration_seconds', 'Time to commit one batch of updates to the log.');
		this.ackHoldSeconds = histogram(
			'zwerm_ack_hold_duration_seconds',
			"Time a connection's outgoing messages (acknowledgements above all) were held behind unsaved writes."
		);
		this.checkpointSeconds = histogram('zwerm_checkpoint_duration_seconds', 'Time to store one checkpoint (full document state).');
		this.checkpointFailures = counter('zwerm_checkpoint_failures_total', 'Failed checkpoint writes.');
		gauge('zwerm_websocket_connections', 'Open websocket connections.', sources.connections);
		gauge('zwerm_documents_loaded', 'Documents loaded in memory.', sources.documents);
		if (sources.limits) {
			const read = sources.limits;
			const counted = new Map<string, number>();
			new Counter({
				name: 'zwerm_limit_refusals_total',
				help: 'Connections, sign-ins and practice creations refused, and connections closed, by a limit (see server/limits.ts).',
				labelNames: ['limit'],
				registers,
				// The limits keep their own tallies; add what they counted since the last scrape.
				collect() {
					for (const [limit, value] of Object.entries(read())) {
						const added = value - (counted.get(limit) ?? 0);
						if (added > 0) this.inc({ limit }, added);
						counted.set(limit, value);
					}
				}
			});
		}
		collectDefaultMetrics({ register: this.registry });
	}

	/** Counts one received websocket message by its kind. */
	messageReceived(data: Uint8Array): void {
		this.messagesReceived.inc({ kind: messageKind(data) });
	}

	get contentType(): string {
		return this.registry.contentType;
	}

	render(): Promise<string> {
		return this.registry.metrics();
	}
}

/**
 * The document log, with commits and checkpoint writes timed and counted.
 * Every other member passes through to the log itself, looked up at each
 * call (a benchmark may wrap the log's own methods afterwards).
 */
export function instrumentLog(log: DocumentLog, metrics: ZwermMetrics): DocumentLog {
	const timed = async <T>(run: () => Promise<T>, histogram: Histogram, failures: Counter): Promise<T> => {
		const end = histogram.startTimer();
		try {
			return await run();
		} catch (error) {
			failures.inc();
			throw error;
		} finally {
			end();
		}
	};
	const overrides: Partial<DocumentLog> = {
		append: async (updates) => {
			await timed(() => log.append(updates), metrics.logWriteSeconds, metrics.logWriteFailures);
			metrics.updatesLogged.inc(updates.length);
		},
		checkpoint: (doc, seq, state) => timed(() => log.checkpoint(doc, seq, state), metrics.checkpointSeconds, metrics.checkpointFailures)
	};
	return new Proxy(log, {
		get(target, property) {
			if (property in overrides) return overrides[property as keyof typeof overrides];
			const value: unknown = Reflect.get(target, property, target);
			return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
		}
	});
}
