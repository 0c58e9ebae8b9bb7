import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import type { ChildHello, ChildSetup } from './child-server.ts';

const SCRIPT = fileURLToPath(new URL('./child-server.ts', import.meta.url));

export interface ChildServer {
	readonly process: ChildProcess;
	readonly port: number;
	readonly wsUrl: string;
	readonly setup: ChildSetup | null;
	/** Whatever the child wrote on stderr, for failure messages. */
	readonly stderr: () => string;
	/** SIGKILL, and resolves once the process is gone. */
	kill9(): Promise<void>;
}

const running = new Set<ChildServer>();

/**
 * Starts `child-server.ts` in its own Node process on `dataDir` (or the
 * PostgreSQL database at `databaseUrl`), and `port` if given, and waits until it listens.
 */
export async function spawnServer(
	dataDir: string,
	options: { setup?: { participants: number }; checkpointEvery?: number; port?: number; databaseUrl?: string } = {}
): Promise<ChildServer> {
	// Only the database asked for: never one the test runner's own environment happens to name.
	const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, DATABASE_URL: options.databaseUrl ?? '' };
	if (options.setup) env.SETUP = JSON.stringify(options.setup);
	if (options.checkpointEvery) env.CHECKPOINT_EVERY = String(options.checkpointEvery);
	// A restarted server on the same port is what reconnecting clients find.
	if (options.port) env.PORT = String(options.port);
	const proc = spawn(process.execPath, ['--disable-warning=ExperimentalWarning', SCRIPT], {
		env,
		stdio: ['ignore', 'pipe', 'pipe']
	});
	let stderr = '';
	proc.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
	const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));

	const hello = await new Promise<ChildHello>((resolve, reject) => {
		const lines = createInterface({ input: proc.stdout! });
		const timer = setTimeout(() => reject(new Error(`child server did not start:\n${stderr}`)), 20000);
		lines.once('line', (line) => {
			clearTimeout(timer);
			resolve(JSON.parse(line) as ChildHello);
		});
		proc.once('exit', (code) => {
			clearTimeout(timer);
			reject(new Error(`child server exited (${code}) before listening:\n${stderr}`));
		});
	});

	const child: ChildServer = {
		process: proc,
		port: hello.port,
		wsUrl: `ws://127.0.0.1:${hello.port}/collab`,
		setup: hello.setup,
		stderr: () => stderr,
		async kill9() {
			running.delete(child);
			if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
			await exited;
		}
	};
	running.add(child);
	return child;
}

/** For afterEach: kills every child server still running. */
export async function killChildServers(): Promise<void> {
	await Promise.all([...running].map((c) => c.kill9()));
}
