import * as Y from 'yjs';
import { connect, waitFor, type TestClient } from './clients.ts';
import { decodeServerMessage } from './protocol.ts';

/** What the server told one provider, as a user-facing client would experience it. */
export interface ProviderLog {
	scope: string | null;
	denied: string[];
	closed: string[];
	/** SyncStatus replies: how many updates the server applied and how many it refused. */
	applied: number;
	refused: number;
}

export function watch(client: TestClient): ProviderLog {
	const log: ProviderLog = { scope: null, denied: [], closed: [], applied: 0, refused: 0 };
	client.provider.on('authenticated', ({ scope }: { scope: string }) => (log.scope = scope));
	client.provider.on('authenticationFailed', ({ reason }: { reason: string }) => log.denied.push(reason));
	client.provider.on('close', ({ event }: { event: { reason: string } }) => log.closed.push(event.reason));
	client.provider.on('message', ({ event }: { event: MessageEvent }) => {
		const message = decodeServerMessage(event.data as ArrayBuffer);
		if (message.type === 'sync-status') {
			if (message.applied) log.applied++;
			else log.refused++;
		}
	});
	return log;
}

/** Opens a document as a real provider and records what the server tells it; `track` collects clients for cleanup. */
export function openWatched(wsUrl: string, name: string, token: string, track: TestClient[]): { client: TestClient; log: ProviderLog } {
	const client = connect(wsUrl, name, token, new Y.Doc());
	track.push(client);
	return { client, log: watch(client) };
}

/** Opens a document and waits until the server has let the client in (and synced it) or refused it. */
export async function attemptOpen(wsUrl: string, name: string, token: string, track: TestClient[]) {
	const opened = openWatched(wsUrl, name, token, track);
	const { provider } = opened.client;
	// Let in means: authenticated, synced, and the client's own first sync step answered.
	await waitFor(
		() => opened.log.denied.length > 0 || (opened.log.scope !== null && provider.isSynced && provider.unsyncedChanges === 0),
		`answer for ${name}`
	);
	return opened;
}
