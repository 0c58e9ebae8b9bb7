import type { Storage } from './storage/types.ts';

/**
 * A small metrics registry without dependencies, rendered in the Prometheus
 * text exposition format (version 0.0.4), served at `GET /metrics`.
 */

export type Labels = Readonly<Record<string, string>>;

interface Metric {
	readonly name: string;
	readonly help: string;
	readonly type: 'counter' | 'gauge' | 'histogram';
	samples(): string[];
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

function formatValue(value: number): string {
	if (Number.isNaN(value)) return 'NaN';
	if (value === Infinity) return '+Inf';
	if (value === -Infinity) return '-Inf';
	return String(value);
}

const escapeLabel = (value: string) => value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
const escapeHelp = (text: string) => text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');

function formatLabels(labels: Labels | undefined): string {
	const entries = Object.entries(labels ?? {});
	if (entries.length === 0) return '';
	return `{${entries.map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(',')}}`;
}

const labelKey = (labels: Labels | undefined) => formatLabels(labels);

/** A value that only goes up, optionally per label set. */
export class Counter implements Metric {
	readonly type = 'counter';
	readonly name: string;
	readonly help: string;
	private readonly values = new Map<string, { labels: Labels | undefined; value: number }>();
	constructor(name: string, help: string) {
		this.name = name;
		this.help = help;
	}

	inc(amount = 1, labels?: Labels): void {
		if (!(amount >= 0)) throw new Error(`counter ${this.name} cannot go down`);
		const key = labelKey(labels);
		const entry = this.values.get(key);
		if (entry) entry.value += amount;
		else this.values.set(key, { labels, value: amount });
	}

	get(labels?: Labels): number {
		return this.values.get(labelKey(labels))?.value ?? 0;
	}

	samples(): string[] {
		if (this.values.size === 0) return [`${this.name} 0`];
		return [...this.values.values()].map((e) => `${this.name}${formatLabels(e.labels)} ${formatValue(e.value)}`);
	}
}

/** A value read when the metrics are rendered. */
export class Gauge implements Metric {
	readonly type = 'gauge';
	readonly name: string;
	readonly help: string;
	private readonly read: () => number;
	constructor(name: string, help: string, read: () => number) {
		this.name = name;
		this.help = help;
		this.read = read;
	}

	samples(): string[] {
		let value: number;
		try {
			value = this.read();
		} catch {
			value = NaN;
		}
		return [`${this.name} ${formatValue(value)}`];
	}
}

/** Latency buckets in seconds: a millisecond to ten seconds. */
export const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;

/** Observations counted into cumulative buckets, with their sum and count. */
export class Histogram implements Metric {
	readonly type = 'histogram';
	private readonly counts: number[];
	private sum = 0;
	private count = 0;
	readonly name: string;
	readonly help: string;
	private readonly buckets: readonly number[];
	constructor(name: string, help: string, buckets: readonly number[] = LATENCY_BUCKETS) {
		this.name = name;
		this.help = help;
		this.buckets = buckets;
		this.counts = buckets.map(() => 0);
	}

	observe(value: number): void {
		for (let i = 0; i < this.buckets.length; i++) if (value <= this.buckets[i]) this.counts[i]++;
		this.sum += value;
		this.count++;
	}

	get observations(): number {
		return this.count;
	}

	samples(): string[] {
		const lines = this.buckets.map((le, i) => `${this.name}_bucket{le="${formatValue(le)}"} ${this.counts[i]}`);
		lines.push(`${this.name}_bucket{le="+Inf"} ${this.count}`);
		lines.push(`${this.name}_sum ${formatValue(this.sum)}`);
		lines.push(`${this.name}_count ${this.count}`);
		return lines;
	}
}

export class Registry {
	private readonly metrics = new Map<string, Metric>();

	register<M extends Metric>(metric: M): M {
		if (!NAME.test(metric.name)) throw new Error(`invalid metric name ${metric.name}`);
		if (this.metrics.has(metric.name)) throw new Error(`metric ${metric.name} registered twice`);
		this.metrics.set(metric.name, metric);
		return metric;
	}

	counter(name: string, help: string): Counter {
		return this.register(new Counter(name, help));
	}

	gauge(name: string, help: string, read: () => number): Gauge {
		return this.register(new Gauge(name, help, read));
	}

	histogram(name: string, help: string, buckets?: readonly number[]): Histogram {
		return this.register(new Histogram(name, help, buckets));
	}

	/** The text exposition format: `# HELP`, `# TYPE`, then the samples of each metric. */
	render(): string {
		const lines: string[] = [];
		for (const metric of this.metrics.values()) {
			lines.push(`# HELP ${metric.name} ${escapeHelp(metric.help)}`, `# TYPE ${metric.name} ${metric.type}`, ...metric.samples());
		}
		return lines.join('\n') + '\n';
	}
}

export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

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
}

/** Zwerm's own metrics. */
export class ZwermMetrics {
	readonly registry = new Registry();
	readonly messagesReceived = this.registry.counter('zwerm_messages_received_total', 'Websocket messages received, by Hocuspocus message kind.');
	readonly updatesLogged = this.registry.counter('zwerm_updates_logged_total', 'Document updates committed to the durable log.');
	readonly logWriteFailures = this.registry.counter('zwerm_log_write_failures_total', 'Failed commits of a batch of updates to the log (retried).');
	readonly logWriteSeconds = this.registry.histogram('zwerm_log_write_duration_seconds', 'Time to commit one batch of updates to the log.');
	readonly ackHoldSeconds = this.registry.histogram(
		'zwerm_ack_hold_duration_seconds',
		"Time a connection's outgoing messages (acknowledgements above all) were held behind unsaved writes."
	);
	readonly checkpointSeconds = this.registry.histogram('zwerm_checkpoint_duration_seconds', 'Time to store one checkpoint (full document state).');
	readonly checkpointFailures = this.registry.counter('zwerm_checkpoint_failures_total', 'Failed checkpoint writes.');

	constructor(sources: MetricSources) {
		this.registry.gauge('zwerm_websocket_connections', 'Open websocket connections.', sources.connections);
		this.registry.gauge('zwerm_documents_loaded', 'Documents loaded in memory.', sources.documents);
		this.registry.gauge('process_resident_memory_bytes', 'Resident set size of the process in bytes.', () => process.memoryUsage.rss());
		this.registry.gauge('nodejs_heap_used_bytes', 'V8 heap in use in bytes.', () => process.memoryUsage().heapUsed);
		this.registry.gauge('process_uptime_seconds', 'Seconds since the process started.', () => Math.round(process.uptime()));
	}

	/** Counts one received websocket message by its kind. */
	messageReceived(data: Uint8Array): void {
		this.messagesReceived.inc(1, { kind: messageKind(data) });
	}

	render(): string {
		return this.registry.render();
	}
}

/**
 * The storage, with commits to the log and checkpoint writes timed and
 * counted. Every other member passes through to the storage itself.
 */
export function instrumentStorage(storage: Storage, metrics: ZwermMetrics): Storage {
	const timed = async <T>(run: () => Promise<T>, histogram: Histogram, failures: Counter): Promise<T> => {
		const start = performance.now();
		try {
			return await run();
		} catch (error) {
			failures.inc();
			throw error;
		} finally {
			histogram.observe((performance.now() - start) / 1000);
		}
	};
	const overrides: Partial<Storage> = {
		appendUpdates: async (updates) => {
			await timed(() => storage.appendUpdates(updates), metrics.logWriteSeconds, metrics.logWriteFailures);
			metrics.updatesLogged.inc(updates.length);
		},
		writeCheckpoint: (doc, seq, state) =>
			timed(() => storage.writeCheckpoint(doc, seq, state), metrics.checkpointSeconds, metrics.checkpointFailures)
	};
	return new Proxy(storage, {
		get(target, property) {
			if (property in overrides) return overrides[property as keyof typeof overrides];
			const value: unknown = Reflect.get(target, property, target);
			return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
		}
	});
}
