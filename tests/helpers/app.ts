import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { tempDir } from './server.ts';

export interface RunningApp {
	readonly url: string;
	readonly dataDir: string;
	readonly child: ChildProcess;
	/** SIGTERM and wait: the graceful path. */
	stop(): Promise<void>;
	/** SIGKILL and wait: the crash path. */
	kill(): Promise<void>;
}

/**
 * The whole app as a user runs it (`node server/main.ts` over the production
 * build) in a child process on a random port, with its own data directory.
 */
export async function startApp(options: { dataDir?: string; env?: Record<string, string> } = {}): Promise<RunningApp> {
	const dataDir = options.dataDir ?? tempDir('zwerm-app-');
	const child = spawn(process.execPath, ['server/main.ts'], {
		env: { ...process.env, PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, ...options.env },
		stdio: ['ignore', 'inherit', 'pipe']
	});
	const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
	const url = await new Promise<string>((resolve, reject) => {
		const lines = createInterface({ input: child.stderr! });
		const timer = setTimeout(() => reject(new Error('app did not start within 30 s')), 30000);
		lines.on('line', (line) => {
			try {
				const event = JSON.parse(line) as { event?: string; url?: string; level?: string };
				// Warnings from the app are worth seeing in a failing test's output.
				if (event.level === 'warn') process.stderr.write(`[app] ${line}\n`);
				if (event.event === 'listening' && event.url) {
					clearTimeout(timer);
					resolve(event.url.replace('localhost', '127.0.0.1'));
				}
			} catch {
				process.stderr.write(line + '\n');
			}
		});
		child.once('exit', (code) => reject(new Error(`app exited early with ${code}`)));
	});
	const signal = async (sig: NodeJS.Signals) => {
		if (child.exitCode === null && child.signalCode === null) child.kill(sig);
		await exited;
	};
	return { url, dataDir, child, stop: () => signal('SIGTERM'), kill: () => signal('SIGKILL') };
}

export interface CreatedPractice {
	readonly id: string;
	readonly name: string;
	readonly facilitator: { readonly id: string; readonly name: string; readonly token: string };
	readonly links: { readonly practice: string; readonly facilitator: string; readonly participant: string; readonly observer: string };
}

/** Creates a practice through the HTTP API, as a script on the app's own origin would. */
export async function createPracticeViaApi(
	app: RunningApp,
	body: { name: string; facilitatorName: string; framework?: string }
): Promise<CreatedPractice> {
	const res = await fetch(`${app.url}/api/practices`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', origin: app.url },
		body: JSON.stringify(body)
	});
	if (res.status !== 201) throw new Error(`creating a practice answered ${res.status}: ${await res.text()}`);
	return (await res.json()) as CreatedPractice;
}

/** Joins by an invite link as a browser's form post would (same origin); answers the session cookie (`zw_<practice>=<token>`). */
export async function joinViaForm(app: RunningApp, invite: string, name: string): Promise<string> {
	const res = await fetch(invite, {
		method: 'POST',
		headers: { 'content-type': 'application/x-www-form-urlencoded', origin: app.url },
		body: `name=${encodeURIComponent(name)}`,
		redirect: 'manual'
	});
	const cookie = res.headers.get('set-cookie');
	if (!cookie) throw new Error(`joining as ${name} answered ${res.status} without a session`);
	return cookie.split(';')[0];
}

/** As joinViaForm, with the session token apart too (for a websocket, or a script's bearer). */
export async function joinedMember(app: RunningApp, invite: string, name: string): Promise<{ cookie: string; token: string }> {
	const cookie = await joinViaForm(app, invite, name);
	return { cookie, token: cookie.slice(cookie.indexOf('=') + 1) };
}
