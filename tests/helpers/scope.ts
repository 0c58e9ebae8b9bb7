import * as Y from 'yjs';
import { HocuspocusProvider, HocuspocusProviderWebsocket } from '@hocuspocus/provider';
import type { Browser } from 'playwright-core';
import { connect, type TestClient } from './clients.ts';
import { startTestServer, removeDir, tempDir, type TestServer } from './server.ts';
import { rawConnect, type RawClient } from './raw-client.ts';
import { spawnServer, type ChildServer } from './child.ts';
import { startApp, type RunningApp } from './app.ts';
import { launchBrowser, newPage } from './browser.ts';
import { watch, type ProviderLog } from './watch.ts';
import { createTestDatabase, type TestDatabase } from './postgres.ts';

export type ServerOptions = NonNullable<Parameters<typeof startTestServer>[0]>;

/**
 * What a test or a benchmark starts, stopped again in one call: servers (in
 * this process or a child), apps, browsers, pages and clients. The test
 * fixture (tests/helpers/fixture.ts) closes one after every test or file; a
 * benchmark closes its own in a `finally`.
 */
export class Scope {
	private readonly cleanups: (() => unknown)[] = [];

	/** Runs `cleanup` when the scope closes (last added, first run). */
	defer(cleanup: () => unknown): void {
		this.cleanups.push(cleanup);
	}

	/** Destroys clients, closes pages and browsers, stops servers: the reverse of how they came. */
	async close(): Promise<void> {
		const errors: unknown[] = [];
		for (const cleanup of this.cleanups.splice(0).reverse()) {
			try {
				await cleanup();
			} catch (error) {
				errors.push(error);
			}
		}
		if (errors.length === 1) throw errors[0];
		if (errors.length > 1) throw new AggregateError(errors, 'closing the scope failed');
	}

	/** A temporary directory, removed when the scope closes (after whatever was started on it later stopped). */
	tempDir(prefix?: string): string {
		const dir = tempDir(prefix);
		this.defer(() => removeDir(dir));
		return dir;
	}

	/** A real Zwerm server in this process (SQLite in a temp dir unless `options` say otherwise); its data directory goes with it. */
	async startServer(options: ServerOptions = {}): Promise<TestServer> {
		const server = await startTestServer(options);
		this.defer(async () => {
			await server.stop();
			// A directory handed in belongs to whoever made it (a restart reuses it).
			if (!options.dataDir) removeDir(server.dataDir);
		});
		return server;
	}

	/** A throwaway PostgreSQL database, dropped when the scope closes (after the servers started later on it). */
	async database(): Promise<TestDatabase> {
		const db = await createTestDatabase();
		this.defer(() => db.drop());
		return db;
	}

	/** A Zwerm server in its own process, killed (SIGKILL) when the scope closes if it still runs. */
	async spawnServer(...args: Parameters<typeof spawnServer>): Promise<ChildServer> {
		const child = await spawnServer(...args);
		this.defer(() => child.kill9());
		return child;
	}

	/** The whole app in a child process (the production build). */
	async startApp(options?: Parameters<typeof startApp>[0]): Promise<RunningApp> {
		const app = await startApp(options);
		this.defer(() => app.stop());
		return app;
	}

	async launchBrowser(): Promise<Browser> {
		const browser = await launchBrowser();
		this.defer(() => browser.close());
		return browser;
	}

	/** A page in a fresh browser context; the context closes with the scope. */
	async newPage(browser: Browser, options?: Parameters<typeof newPage>[1]): Promise<Awaited<ReturnType<typeof newPage>>> {
		const opened = await newPage(browser, options);
		this.defer(() => opened.context.close());
		return opened;
	}

	/** A real Hocuspocus provider over a real websocket; destroyed with the scope. */
	connect(wsUrl: string, name: string, token: string, doc = new Y.Doc()): TestClient {
		const client = connect(wsUrl, name, token, doc);
		this.defer(() => client.destroy());
		return client;
	}

	/** One websocket that several providers share, as a browser tab does; destroyed with the scope. */
	socket(wsUrl: string): HocuspocusProviderWebsocket {
		const socket = new HocuspocusProviderWebsocket({ url: wsUrl });
		this.defer(() => socket.destroy());
		return socket;
	}

	/** A provider on a shared `socket`; without awareness if `awareness` is false. */
	provider(socket: HocuspocusProviderWebsocket, name: string, token: string, awareness = true): HocuspocusProvider {
		const provider = new HocuspocusProvider({ websocketProvider: socket, name, document: new Y.Doc(), token, ...(awareness ? {} : { awareness: null }) });
		provider.attach();
		this.defer(() => provider.destroy());
		return provider;
	}

	/** A provider whose messages from the server are recorded (see watch.ts). */
	watched(wsUrl: string, name: string, token: string): { client: TestClient; log: ProviderLog } {
		const client = this.connect(wsUrl, name, token);
		return { client, log: watch(client) };
	}

	/** A bare websocket speaking the protocol by hand; terminated with the scope. */
	async raw(wsUrl: string): Promise<RawClient> {
		const client = await rawConnect(wsUrl);
		this.defer(() => client.close());
		return client;
	}
}
