import { expect, test as base } from 'vitest';
import type * as Y from 'yjs';
import type { Browser } from 'playwright-core';
import { Scope, type ServerOptions } from './scope.ts';
import { setUpPractice } from './practice.ts';
import { closeRawClients } from './raw-client.ts';
import { killChildServers } from './child.ts';
import type { TestClient } from './clients.ts';
import type { RunningApp, startApp } from './app.ts';
import type { TestServer } from './server.ts';
import type { ProviderLog } from './watch.ts';
import type { newPage } from './browser.ts';

export { expect };
export type { ServerOptions };
export type AppOptions = NonNullable<Parameters<typeof startApp>[0]>;

/** The `open` fixture's type, for a file that keeps it in a variable its helpers share. */
export type Open = (name: string, token: string, doc?: Y.Doc) => TestClient;
/** The `watched` and `attempt` fixtures' types. */
export type Watched = (name: string, token: string) => { client: TestClient; log: ProviderLog };
export type Attempt = (name: string, token: string) => Promise<{ client: TestClient; log: ProviderLog }>;

/**
 * The test API for tests that start real parts: everything a test starts
 * through these fixtures is stopped after it (clients, pages, servers), and
 * the `app` and `browser` after the file. Nothing to clean up by hand.
 *
 *   test('…', async ({ server, practice, openSynced }) => {
 *     const fx = await practice({ participants: 2 });
 *     const lane = await openSynced(laneDoc(…), fx.participants[0].token);
 *   });
 *
 * Waiting is `expect.poll` (or `synced`/`saved` below), never a sleep; in a
 * `beforeAll`, where expect.poll is not allowed, `vi.waitFor`.
 *
 * A file gives its server options with `test.override('serverOptions', { … })`
 * at its top (or in a describe); `startServer` starts more (a restart on the same
 * data directory, a second instance). Benchmarks use the same pieces through
 * `Scope` (tests/helpers/scope.ts).
 */
export const test = base
	// ---- per file ------------------------------------------------------------
	/** What the file started (app, browser, file server), closed after its last test. */
	// eslint-disable-next-line no-empty-pattern -- vitest reads a fixture's dependencies from this pattern
	.extend('fileScope', { scope: 'file' }, ({}, { onCleanup }) => {
		const scope = new Scope();
		onCleanup(() => scope.close());
		return scope;
	})
	.extend('appOptions', { scope: 'file' }, {} as AppOptions)
	/** The whole app (production build) in a child process, one per file; a file gives its environment with `test.override('appOptions', …)`. */
	.extend('app', { scope: 'file' }, async ({ fileScope, appOptions }): Promise<RunningApp> => fileScope.startApp(appOptions))
	.extend('fileServerOptions', { scope: 'file' }, {} as ServerOptions)
	/** One Zwerm server for the whole file (for a file whose tests share their setup, made in `test.beforeAll`). */
	.extend('fileServer', { scope: 'file' }, async ({ fileScope, fileServerOptions }): Promise<TestServer> => fileScope.startServer(fileServerOptions))
	/** Headless Chromium, one per file. */
	.extend('browser', { scope: 'file' }, async ({ fileScope }): Promise<Browser> => fileScope.launchBrowser())
	// ---- per test ------------------------------------------------------------
	/**
	 * What this test started, closed after it. Set up for every test, so that raw
	 * clients and child servers a test starts straight through their helpers
	 * (rawConnect, spawnServer) are closed after it too.
	 */
	// eslint-disable-next-line no-empty-pattern -- vitest reads a fixture's dependencies from this pattern
	.extend('scope', { auto: true }, ({}, { onCleanup }) => {
		const scope = new Scope();
		onCleanup(async () => {
			try {
				await scope.close();
			} finally {
				closeRawClients();
				await killChildServers();
			}
		});
		return scope;
	})
	.extend('serverOptions', {} as ServerOptions)
	/** Starts a server of its own for this test (more instances, a restart on the same directory). */
	.extend('startServer', ({ scope }) => (options: ServerOptions = {}) => scope.startServer(options))
	/** A fresh Zwerm server (SQLite in a temp dir) for this test, stopped and removed after it. */
	.extend('server', async ({ scope, serverOptions }) => scope.startServer(serverOptions))
	/** Where `open`, `watched`, `attempt` and `raw` connect: `server`, unless a file overrides it (with `fileServer`'s, say). */
	.extend('wsUrl', ({ server }) => server.wsUrl)
	/** A practice on `server` with a facilitator, participants and an observer, through the real invite flow. */
	.extend('practice', ({ server }) => (options?: Parameters<typeof setUpPractice>[1]) => setUpPractice(server.zwerm.practices, options))
	/** A real provider on any server (`wsUrl`), destroyed after the test. */
	.extend('connect', ({ scope }) => (wsUrl: string, name: string, token: string, doc?: Y.Doc) => scope.connect(wsUrl, name, token, doc))
	/** A real provider on `server`, destroyed after the test. */
	.extend('open', ({ scope, wsUrl }) => (name: string, token: string, doc?: Y.Doc) => scope.connect(wsUrl, name, token, doc))
	/** As `open`, and resolves once the server has let it in and synced it (its own first sync step answered too). */
	.extend('openSynced', ({ scope, wsUrl }) => async (name: string, token: string, doc?: Y.Doc) => {
		const client = scope.connect(wsUrl, name, token, doc);
		await saved(client, `${name} synced`);
		return client;
	})
	/** As `open`, recording what the server tells the provider (scope, refusals, closes, applied and refused updates). */
	.extend('watched', ({ scope, wsUrl }) => (name: string, token: string) => scope.watched(wsUrl, name, token))
	/** Opens a document and resolves once the server has let the client in (and synced it) or refused it. */
	.extend('attempt', ({ scope, wsUrl }) => async (name: string, token: string) => {
		const opened = scope.watched(wsUrl, name, token);
		await answered(opened, name);
		return opened;
	})
	/** A bare websocket that speaks the protocol by hand, terminated after the test. */
	.extend('raw', ({ scope, wsUrl }) => (url: string = wsUrl) => scope.raw(url))
	/** A page of its own in `browser` (a fresh context: a viewport, touch, …), closed after the test. */
	.extend('newPage', ({ scope, browser }) => (options?: Parameters<typeof newPage>[1]) => scope.newPage(browser, options));

/** Resolves once the server has let the client in (authenticated, synced, its own first sync step answered) or refused it. */
export function answered({ client, log }: { client: TestClient; log: ProviderLog }, name: string): Promise<void> {
	const { provider } = client;
	return expect
		.poll(() => log.denied.length > 0 || (log.scope !== null && provider.isSynced && provider.unsyncedChanges === 0), { message: `answer for ${name}` })
		.toBe(true);
}

/** Resolves once the server has synced the client. */
export function synced(client: TestClient, what = `${client.provider.configuration.name} synced`): Promise<void> {
	return expect.poll(() => client.provider.isSynced, { message: what }).toBe(true);
}

/** Resolves once the server has acknowledged every change the client made. */
export function saved(client: TestClient, what = `${client.provider.configuration.name} saved`): Promise<void> {
	return expect.poll(() => client.provider.isSynced && client.provider.unsyncedChanges === 0, { message: what }).toBe(true);
}

export const it = test;
export const describe = test.describe;
