import { json } from '@sveltejs/kit';
import { getZwerm } from '#server/context.ts';
import type { RequestHandler } from './$types';

const STORAGE_CHECK_MS = 5000;

/**
 * GET /healthz: 200 while the server runs and its storage answers a trivial
 * read; 503 (same shape, `status: 'unavailable'`) when that read fails or hangs.
 */
export const GET: RequestHandler = async () => {
	const zwerm = getZwerm();
	let status: 'ok' | 'unavailable' = 'ok';
	let timer: ReturnType<typeof setTimeout> | undefined;
	try {
		await Promise.race([
			zwerm.storage.log.lastSeq('healthz'),
			new Promise((_, reject) => {
				timer = setTimeout(() => reject(new Error('storage check timed out')), STORAGE_CHECK_MS);
			})
		]);
	} catch (error) {
		status = 'unavailable';
		zwerm.logger.warn('healthz-storage-failed', { error: String(error) });
	} finally {
		clearTimeout(timer);
	}
	return json(
		{
			status,
			storage: zwerm.storage.kind,
			documents: zwerm.hocuspocus.getDocumentsCount(),
			connections: zwerm.hocuspocus.getConnectionsCount(),
			uptimeSeconds: Math.round(process.uptime())
		},
		{ status: status === 'ok' ? 200 : 503, headers: { 'cache-control': 'no-store' } }
	);
};
