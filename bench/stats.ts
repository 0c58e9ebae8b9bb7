/** Small statistics and formatting helpers for the benchmark's output. */

export interface Summary {
	readonly n: number;
	readonly p50: number;
	readonly p99: number;
	readonly mean: number;
	readonly min: number;
	readonly max: number;
}

/** Linear-interpolated percentile of already sorted samples (p in 0..100). */
export function percentile(sorted: readonly number[], p: number): number {
	if (sorted.length === 0) return NaN;
	const rank = (p / 100) * (sorted.length - 1);
	const lo = Math.floor(rank);
	const hi = Math.ceil(rank);
	return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo);
}

export function median(samples: readonly number[]): number {
	return percentile([...samples].sort((a, b) => a - b), 50);
}

export function summarize(samples: readonly number[]): Summary {
	const sorted = [...samples].sort((a, b) => a - b);
	const sum = sorted.reduce((s, v) => s + v, 0);
	return {
		n: sorted.length,
		p50: percentile(sorted, 50),
		p99: percentile(sorted, 99),
		mean: sorted.length ? sum / sorted.length : NaN,
		min: sorted[0] ?? NaN,
		max: sorted[sorted.length - 1] ?? NaN
	};
}

/** Milliseconds with a precision that suits their size. */
export function ms(value: number): string {
	if (!Number.isFinite(value)) return '–';
	if (value < 10) return value.toFixed(2);
	if (value < 100) return value.toFixed(1);
	return value.toFixed(0);
}

export function ratio(value: number, baseline: number): string {
	if (!Number.isFinite(value) || !Number.isFinite(baseline) || baseline <= 0) return '–';
	return `${(value / baseline).toFixed(2)}×`;
}

export function bytes(n: number): string {
	if (n < 1024) return `${n} B`;
	if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
	return `${(n / 1024 / 1024).toFixed(2)} MiB`;
}

/** Rounds every number in a JSON-bound value to 3 decimals. */
export function round3<T>(value: T): T {
	return JSON.parse(JSON.stringify(value, (_, v) => (typeof v === 'number' ? Math.round(v * 1000) / 1000 : v))) as T;
}

/** A plain-text table: first column left-aligned, the others right-aligned. */
export function table(headers: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
	const cells = [headers, ...rows].map((r) => r.map(String));
	const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
	const line = (r: readonly string[]) =>
		r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ').trimEnd();
	const rule = widths.map((w) => '─'.repeat(w)).join('  ');
	return ['  ' + line(cells[0]), '  ' + rule, ...cells.slice(1).map((r) => '  ' + line(r))].join('\n');
}
