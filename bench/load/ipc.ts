/**
 * What a server child (Zwerm or the reference relay) reports over its IPC
 * channel, and the small request/answer loop both children run. The child
 * measures itself: CPU from process.cpuUsage(), memory from
 * process.memoryUsage(), sampled every 100 ms for the peak resident size.
 */

export interface ServerStats {
	/** process.cpuUsage(): user and system CPU time in µs since the process started. */
	readonly cpuUs: number;
	/** performance.now() in the child when measured (ms). */
	readonly atMs: number;
	readonly rss: number;
	readonly heapUsed: number;
	readonly heapTotal: number;
	readonly external: number;
	readonly arrayBuffers: number;
	/** Highest resident size sampled since the last `reset-peak`. */
	readonly peakRss: number;
	/** Documents loaded in memory. */
	readonly documents: number;
	/** Open websocket connections. */
	readonly connections: number;
	/** Server-specific counters (Zwerm: limit closures, updates logged, …). */
	readonly extra: Readonly<Record<string, number>>;
}

export type Request = { readonly id: number; readonly cmd: 'stats' | 'gc' | 'reset-peak' };
export type Hello = { readonly type: 'hello'; readonly port: number; readonly setup: unknown };
export type Answer = { readonly id: number; readonly stats: ServerStats };

/**
 * Serves stats requests from the parent over IPC. `gc` collects garbage first
 * (the child runs with --expose-gc) so heap figures compare like with like.
 */
type Counts = { documents: number; connections: number; extra: Record<string, number> };

export function serveStats(read: () => Counts | Promise<Counts>): void {
	let peakRss = process.memoryUsage.rss();
	const sampler = setInterval(() => {
		peakRss = Math.max(peakRss, process.memoryUsage.rss());
	}, 100);
	sampler.unref();
	const gc = (globalThis as { gc?: () => void }).gc;

	const stats = async (): Promise<ServerStats> => {
		const counts = await read();
		const cpu = process.cpuUsage();
		const mem = process.memoryUsage();
		peakRss = Math.max(peakRss, mem.rss);
		return {
			cpuUs: cpu.user + cpu.system,
			atMs: performance.now(),
			rss: mem.rss,
			heapUsed: mem.heapUsed,
			heapTotal: mem.heapTotal,
			external: mem.external,
			arrayBuffers: mem.arrayBuffers,
			peakRss,
			...counts
		};
	};

	process.on('message', (message: Request) => {
		if (message.cmd === 'gc' && gc) {
			// Twice: the first pass may only make more garbage collectable (weak maps, finalizers).
			gc();
			gc();
		}
		if (message.cmd === 'reset-peak') peakRss = process.memoryUsage.rss();
		void stats().then((answer) => process.send!({ id: message.id, stats: answer } satisfies Answer));
	});
	// The parent going away ends the child too (no orphaned servers after Ctrl-C).
	process.on('disconnect', () => process.exit(0));
}
