/**
 * One load phase: a fresh server child, N editors on one board, ten of them
 * writing, all moving pointers; warm-up, a measured window, a drain, then
 * everyone leaves and the board must be unloaded.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { machineCpu, spawnServer, type ProcSample, type ServerKind, type ServerChild } from './child.ts';
import { Driver, LoadClient, Recorder, Writer, openAll, targetOf, type Identity, type Traffic } from './clients.ts';
import type { ServerStats } from './ipc.ts';
import { summarize, type Summary } from '../stats.ts';

export interface PhaseSettings {
	readonly writers: number;
	readonly writeHz: number;
	readonly pointerHz: number;
	readonly warmSeconds: number;
	readonly measureSeconds: number;
	/** After the window: how long to wait for the last deliveries. */
	readonly drainSeconds: number;
	/** Receivers that decode pointer states for pointer latency. */
	readonly pointerSamplers: number;
	/** After everyone left: how long to wait for the board to be unloaded. */
	readonly unloadTimeoutSeconds: number;
	/** The same for the reference relay, which may still be working off a backlog. */
	readonly referenceUnloadTimeoutSeconds: number;
}

export interface PhaseResult {
	readonly server: ServerKind;
	readonly editors: number;
	readonly connectMs: number;
	/** Fan-out latency of writer updates (ms), over every receiving editor. */
	readonly latency: Summary;
	/** The same, at receivers that are writers themselves. */
	readonly latencyAtWriters: Summary;
	readonly pointerLatency: Summary;
	readonly updatesSent: number;
	readonly expected: number;
	readonly delivered: number;
	readonly duplicates: number;
	/** Deliveries still missing when the drain ended. */
	readonly undelivered: number;
	/**
	 * p50 and p99 over every expected delivery, the missing ones counted as
	 * never arriving (Infinity once more than 1 % / 50 % are missing).
	 */
	readonly complete: { readonly p50: number; readonly p99: number };
	readonly drainMs: number;
	/** Sent during the measured window; skipped: sends missed because this process was a whole period behind. */
	readonly sent: { readonly pointers: number; readonly updates: number; readonly skipped: number };
	/** Updates sent over the whole phase: every write and each writer's note. */
	readonly updatesInPhase: number;
	/** Per editor per second during the window. */
	readonly received: { readonly messages: number; readonly kib: number; readonly updateMessages: number; readonly awarenessMessages: number; readonly pointerStates: number };
	readonly serverCpuPercent: number;
	/** Where the server's CPU and RSS figures come from: its own report over IPC, or /proc when it did not answer in time. */
	readonly serverFiguresFrom: 'ipc' | 'proc';
	readonly serverRssMiB: number;
	readonly serverPeakRssMiB: number;
	readonly serverHeapMiB: number;
	/** The server's counters after the phase (Zwerm: limits, log; both: messagesIn). */
	readonly serverExtra: Readonly<Record<string, number>>;
	/**
	 * Server CPU per websocket message it received, from the start of the load
	 * to the end of the phase (drain and leaving included): what one message
	 * costs, whatever else runs on the machine.
	 */
	readonly cpuPerMessageUs: number;
	/** Messages the server received from the start of the load to the end of the phase. */
	readonly messagesIn: number;
	readonly generatorCpuPercent: number;
	readonly generatorLagP99Ms: number;
	readonly generatorLagMaxMs: number;
	/** CPU used by everything else on the machine during the window (% of one core; the machine has several). */
	readonly otherCpuPercent: number;
	/** Clients the server closed (code: count). */
	readonly closes: Readonly<Record<string, number>>;
	/** Documents loaded right after every editor left, and how long until none were. */
	readonly documentsAfterLeave: number;
	readonly unloadMs: number | null;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const MiB = 1024 * 1024;

/**
 * Waits until the server has no document loaded: the count right after the
 * call (NaN if the server did not answer) and the ms until none, or null
 * after `timeoutMs`.
 */
export async function waitUnloaded(child: ServerChild, timeoutMs: number): Promise<{ first: number; ms: number | null }> {
	const start = performance.now();
	const left = () => Math.max(100, timeoutMs - (performance.now() - start));
	const first = (await child.tryStats(left()))?.documents ?? NaN;
	let documents = first;
	while (!(documents === 0)) {
		if (performance.now() - start > timeoutMs) return { first, ms: null };
		await sleep(50);
		documents = (await child.tryStats(left()))?.documents ?? NaN;
	}
	return { first, ms: performance.now() - start };
}

/** The server's own report (IPC, if it answers within 5 s) and the kernel's view of it, at one moment. */
async function sample(child: ServerChild): Promise<{ ipc: ServerStats | null; proc: ProcSample | null }> {
	const proc = child.proc();
	const ipc = await child.tryStats(5000);
	return { ipc, proc };
}

export async function runPhase(
	kind: ServerKind,
	env: NodeJS.ProcessEnv,
	documentName: string,
	identities: readonly Identity[],
	settings: PhaseSettings,
	log: (line: string) => void
): Promise<PhaseResult> {
	const editors = identities.length;
	const child = await spawnServer(kind, env);
	try {
		const target = targetOf(child);
		const seconds = settings.warmSeconds + settings.measureSeconds + 2;
		const recorder = new Recorder(editors, settings.writers, Math.ceil(seconds * settings.writeHz * 1.5) + 50);
		const clients = identities.map((id, i) => new LoadClient(target, documentName, id, i, i < settings.writers ? i : -1, recorder));
		const step = Math.max(1, Math.floor(editors / settings.pointerSamplers));
		for (let i = 0; i < editors; i += step) clients[i].sampled = true;

		const connectStart = performance.now();
		await openAll(clients);
		const connectMs = performance.now() - connectStart;
		const writers = clients.slice(0, settings.writers).map((c) => new Writer(c));
		for (const w of writers) {
			recorder.probes.add(w.client.clientId);
			await w.createNote(identities[w.client.writer].memberId, kind === 'zwerm');
		}
		log(`    ${kind}: ${editors} editors connected and synced in ${(connectMs / 1000).toFixed(1)} s; warming up ${settings.warmSeconds} s, measuring ${settings.measureSeconds} s`);

		const driver = new Driver(clients, writers, recorder, settings.pointerHz, settings.writeHz);
		await child.resetPeak();
		const start = await sample(child);
		driver.start();
		await sleep(settings.warmSeconds * 1000);

		const lag = monitorEventLoopDelay({ resolution: 5 });
		const before = await sample(child);
		const machine0 = machineCpu();
		const cpu0 = process.cpuUsage();
		const sent0 = { pointers: driver.pointersSent, updates: driver.updatesSent, skipped: driver.pointersSkipped + driver.updatesSkipped };
		const t0 = performance.now();
		lag.enable();
		recorder.measuring = true;
		recorder.recording = true;
		await sleep(settings.measureSeconds * 1000);
		recorder.measuring = false;
		recorder.recording = false;
		lag.disable();
		const cpu = process.cpuUsage(cpu0);
		const machine1 = machineCpu();
		const wallMs = performance.now() - t0;
		driver.stop();
		const sent = {
			pointers: driver.pointersSent - sent0.pointers,
			updates: driver.updatesSent - sent0.updates,
			skipped: driver.pointersSkipped + driver.updatesSkipped - sent0.skipped
		};
		const after = await sample(child);

		const drainStart = performance.now();
		while (recorder.delivered < recorder.expected && performance.now() - drainStart < settings.drainSeconds * 1000) await sleep(20);
		const drainMs = performance.now() - drainStart;
		const end = await sample(child);

		const closes: Record<string, number> = {};
		for (const c of clients) {
			if (c.closed) {
				const key = `${c.closed.code}${c.closed.reason ? ' ' + c.closed.reason : ''}`;
				closes[key] = (closes[key] ?? 0) + 1;
			}
		}
		for (const c of clients) c.terminate();
		const unload = await waitUnloaded(child, (kind === 'zwerm' ? settings.unloadTimeoutSeconds : settings.referenceUnloadTimeoutSeconds) * 1000);
		// After everyone left the server is quiet again (unless it still works off a backlog): its cumulative counters.
		const final = { proc: child.proc(), ipc: await child.tryStats(10000) };
		const messagesIn = (final.ipc?.extra.messagesIn ?? NaN) - (start.ipc?.extra.messagesIn ?? NaN);
		const cpuSpan = final.proc && start.proc ? { a: start.proc, b: final.proc } : { a: start.ipc, b: final.ipc };
		const cpuPerMessageUs = cpuSpan.a && cpuSpan.b ? (cpuSpan.b.cpuUs - cpuSpan.a.cpuUs) / messagesIn : NaN;

		// CPU and RSS: the server's own report when it answered at both ends of the window, else the kernel's.
		const fromIpc = before.ipc !== null && after.ipc !== null;
		const window = fromIpc ? { a: before.ipc!, b: after.ipc! } : { a: before.proc, b: after.proc };
		const serverCpuUs = window.a && window.b ? window.b.cpuUs - window.a.cpuUs : NaN;
		const serverCpuPercent = window.a && window.b ? (serverCpuUs / 1000 / (window.b.atMs - window.a.atMs)) * 100 : NaN;
		const generatorCpuUs = cpu.user + cpu.system;
		const otherCpuPercent =
			machine0 && machine1 ? ((machine1.busyUs - machine0.busyUs - generatorCpuUs - serverCpuUs) / 1000 / wallMs) * 100 : NaN;
		const peakRss = Math.max(end.ipc?.peakRss ?? 0, end.proc?.peakRss ?? 0);

		const perEditorSecond = (n: number) => n / editors / (wallMs / 1000);
		const sorted = [...recorder.latencies].sort((a, b) => a - b);
		const nearestRank = (p: number) => {
			const i = Math.ceil((p / 100) * recorder.expected) - 1;
			return recorder.expected === 0 ? NaN : i < sorted.length ? sorted[Math.max(0, i)] : Infinity;
		};
		const t: Traffic = recorder.traffic;
		return {
			server: kind,
			editors,
			connectMs,
			latency: summarize(recorder.latencies),
			latencyAtWriters: summarize(recorder.latenciesAtWriters),
			pointerLatency: summarize(recorder.pointerLatencies),
			updatesSent: recorder.measuredSent,
			expected: recorder.expected,
			delivered: recorder.delivered,
			duplicates: recorder.duplicates,
			undelivered: recorder.expected - recorder.delivered,
			complete: { p50: nearestRank(50), p99: nearestRank(99) },
			drainMs,
			sent,
			updatesInPhase: driver.updatesSent + writers.length,
			received: {
				messages: perEditorSecond(t.messages),
				kib: perEditorSecond(t.bytes) / 1024,
				updateMessages: perEditorSecond(t.updateMessages),
				awarenessMessages: perEditorSecond(t.awarenessMessages),
				pointerStates: perEditorSecond(t.awarenessStates)
			},
			serverCpuPercent,
			serverFiguresFrom: fromIpc ? 'ipc' : 'proc',
			serverRssMiB: (after.ipc?.rss ?? after.proc?.rss ?? NaN) / MiB,
			serverPeakRssMiB: peakRss ? peakRss / MiB : NaN,
			serverHeapMiB: (after.ipc?.heapUsed ?? NaN) / MiB,
			serverExtra: final.ipc?.extra ?? end.ipc?.extra ?? after.ipc?.extra ?? {},
			cpuPerMessageUs,
			messagesIn,
			generatorCpuPercent: (generatorCpuUs / 1000 / wallMs) * 100,
			otherCpuPercent,
			generatorLagP99Ms: lag.percentile(99) / 1e6,
			generatorLagMaxMs: lag.max / 1e6,
			closes,
			documentsAfterLeave: unload.first,
			unloadMs: unload.ms
		};
	} finally {
		// A relay still buried under its backlog would take long to stop: little grace for it.
		await child.stop(kind === 'reference' ? 3000 : 20000);
	}
}
