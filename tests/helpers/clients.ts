import { HocuspocusProvider, HocuspocusProviderWebsocket } from '@hocuspocus/provider';
import * as Y from 'yjs';

export interface TestClient {
	readonly doc: Y.Doc;
	readonly provider: HocuspocusProvider;
	readonly socket: HocuspocusProviderWebsocket;
	/** Resolves when the server has acknowledged every local change. */
	saved(): Promise<void>;
	destroy(): void;
}

/** A real Hocuspocus provider over a real websocket, authenticated by session token. */
export function connect(wsUrl: string, name: string, token: string, doc = new Y.Doc()): TestClient {
	const socket = new HocuspocusProviderWebsocket({ url: wsUrl });
	const provider = new HocuspocusProvider({ websocketProvider: socket, name, document: doc, token });
	provider.attach();
	let destroyed = false;
	return {
		doc,
		provider,
		socket,
		saved: () => waitFor(() => provider.isSynced && provider.unsyncedChanges === 0, `${name} saved`),
		destroy() {
			if (destroyed) return;
			destroyed = true;
			provider.destroy();
			socket.destroy();
		}
	};
}

/**
 * Polls a condition (no fixed sleeps); rejects with `what` after `timeout` ms.
 * For helpers that benchmarks share, which run outside vitest: a test waits
 * with `expect.poll` (see fixture.ts for `synced` and `saved`).
 */
export async function waitFor(check: () => boolean, what: string, timeout = 10000): Promise<void> {
	const deadline = Date.now() + timeout;
	while (!check()) {
		if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
		await new Promise((r) => setTimeout(r, 10));
	}
}

export const synced = (client: TestClient) => waitFor(() => client.provider.isSynced, 'sync');
