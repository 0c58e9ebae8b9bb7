import type { TestClient } from './clients.ts';
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
