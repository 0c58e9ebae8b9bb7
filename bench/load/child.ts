import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Answer, Hello, Request, ServerStats } from './ipc.ts';

export type ServerKind = 'zwerm' | 'reference';

const SCRIPTS: Record<ServerKind, string> = {
	zwerm: fileURLToPath(new URL('./zwerm-server.ts', import.meta.url)),
	reference: fileURLToPath(new URL('./reference-relay.ts', import.meta.url))
};

/**
 * The kernel's accounting of a process (Linux /proc): the same counters
 * process.cpuUsage() and process.memoryUsage().rss read inside it, but
 * readable while its event loop is too busy to answer over IPC.
 */
export interface ProcSample {
	readonly atMs: number;
	readonly cpuUs: number;
	readonly rss: number;
	/** Peak resident size since the process started (VmHWM). */
	readonly peakRss: number;
}

let clockTicks = 0;

export function procSample(pid: number): ProcSample | null {
	try {
		clockTicks ||= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
		const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
		// Fields after the command name (which may hold spaces), from field 3 on: utime is 14, stime 15.
		const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
		const ticks = Number(fields[11]) + Number(fields[12]);
		const status = readFileSync(`/proc/${pid}/status`, 'utf8');
		const kib = (key: string) => Number(/(\d+) kB/.exec(status.split('\n').find((l) => l.startsWith(key)) ?? '')?.[1] ?? NaN) * 1024;
		return { atMs: performance.now(), cpuUs: (ticks / clockTicks) * 1e6, rss: kib('VmRSS:'), peakRss: kib('VmHWM:') };
	} catch {
		return null;
	}
}

/** Busy and total CPU time of the whole machine (all cores) in µs, from /proc/stat. */
export function machineCpu(): { busyUs: number; totalUs: number } | null {
	try {
		clockTicks ||= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
		const [, ...values] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
		const n = values.map(Number);
		const total = n.slice(0, 8).reduce((a, b) => a + b, 0); // user nice system idle iowait irq softirq steal
		const idle = n[3] + n[4];
		return { busyUs: ((total - idle) / clockTicks) * 1e6, totalUs: (total / clockTicks) * 1e6 };
	} catch {
		return null;
	}
}

/** A server under test in its own Node process, measured over IPC. */
export interface ServerChild {
	readonly kind: ServerKind;
	readonly process: ChildProcess;
	readonly port: number;
	readonly setup: unknown;
	stats(): Promise<ServerStats>;
	/** Stats, or null when the child does not answer within `timeoutMs` (its event loop is buried). */
	tryStats(timeoutMs: number): Promise<ServerStats | null>;
	/** The kernel's view of the child: CPU and RSS (null where /proc is missing). */
	proc(): ProcSample | null;
	/** Collects garbage in the child first (it runs with --expose-gc). */
	gcStats(): Promise<ServerStats>;
	resetPeak(): Promise<ServerStats>;
	/** SIGTERM (Zwerm drains and closes its store), SIGKILL after `graceMs`. */
	stop(graceMs?: number): Promise<void>;
	/** SIGKILL, for a server buried under a backlog. */
	kill(): Promise<void>;
	readonly stderr: () => string;
}

/**
 * Starts a server child with the same Node as this process and waits for its
 * hello. `env.NODE_ARGS` (a JSON array) adds Node options, e.g. --cpu-prof.
 */
export async function spawnServer(kind: ServerKind, env: NodeJS.ProcessEnv = {}): Promise<ServerChild> {
	const nodeArgs = env.NODE_ARGS ? (JSON.parse(env.NODE_ARGS) as string[]) : [];
	const proc = spawn(process.execPath, ['--expose-gc', '--disable-warning=ExperimentalWarning', ...nodeArgs, SCRIPTS[kind]], {
		env: { ...process.env, ...env },
		stdio: ['ignore', 'ignore', 'pipe', 'ipc']
	});
	let stderr = '';
	proc.stderr!.on('data', (chunk: Buffer) => {
		stderr += chunk.toString();
		if (stderr.length > 100000) stderr = stderr.slice(-50000);
	});
	const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
	const pending = new Map<number, (stats: ServerStats) => void>();
	let nextId = 1;

	const hello = await new Promise<Hello>((resolve, reject) => {
		const timer = setTimeout(() => reject(new Error(`${kind} server did not start:\n${stderr}`)), 300000);
		proc.on('message', (message: Hello | Answer) => {
			if ('type' in message && message.type === 'hello') {
				clearTimeout(timer);
				resolve(message);
			} else if ('id' in message) {
				pending.get(message.id)?.(message.stats);
				pending.delete(message.id);
			}
		});
		proc.once('exit', (code) => {
			clearTimeout(timer);
			reject(new Error(`${kind} server exited (${code}) before listening:\n${stderr}`));
		});
	});

	const ask = (cmd: Request['cmd'], timeoutMs = 60000) =>
		new Promise<ServerStats>((resolve, reject) => {
			if (!proc.connected) return reject(new Error(`${kind} server is gone:\n${stderr.slice(-2000)}`));
			const id = nextId++;
			const timer = setTimeout(() => {
				pending.delete(id);
				reject(new Error(`${kind} server did not answer '${cmd}' within ${timeoutMs / 1000} s`));
			}, timeoutMs);
			pending.set(id, (stats) => {
				clearTimeout(timer);
				resolve(stats);
			});
			const request: Request = { id, cmd };
			proc.send(request);
		});

	const alive = () => proc.exitCode === null && proc.signalCode === null;
	return {
		kind,
		process: proc,
		port: hello.port,
		setup: hello.setup,
		stats: () => ask('stats'),
		tryStats: (timeoutMs) => ask('stats', timeoutMs).catch(() => null),
		proc: () => (proc.pid === undefined ? null : procSample(proc.pid)),
		gcStats: () => ask('gc'),
		resetPeak: () => ask('reset-peak'),
		async stop(graceMs = 20000) {
			if (!alive()) return;
			proc.kill('SIGTERM');
			const timer = setTimeout(() => alive() && proc.kill('SIGKILL'), graceMs);
			await exited;
			clearTimeout(timer);
		},
		async kill() {
			if (alive()) proc.kill('SIGKILL');
			await exited;
		},
		stderr: () => stderr
	};
}
