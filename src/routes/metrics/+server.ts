import { timingSafeEqual } from 'node:crypto';
import { env } from '$env/dynamic/private';
import { getZwerm } from '$server/context.ts';
import { METRICS_CONTENT_TYPE } from '$server/metrics.ts';
import type { RequestHandler } from './$types';

/** Compares in constant time (for equal lengths). */
function sameSecret(given: string, expected: string): boolean {
	const a = Buffer.from(given);
	const b = Buffer.from(expected);
	return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * GET /metrics: Prometheus text exposition format. With METRICS_TOKEN set,
 * only for `Authorization: Bearer <METRICS_TOKEN>`.
 */
export const GET: RequestHandler = async ({ request }) => {
	const token = env.METRICS_TOKEN;
	if (token) {
		const header = request.headers.get('authorization') ?? '';
		const given = header.startsWith('Bearer ') ? header.slice('Bearer '.length).trim() : '';
		if (!sameSecret(given, token)) {
			return new Response('Unauthorized\n', {
				status: 401,
				headers: { 'content-type': 'text/plain; charset=utf-8', 'www-authenticate': 'Bearer realm="metrics"' }
			});
		}
	}
	return new Response(getZwerm().metrics.render(), {
		headers: { 'content-type': METRICS_CONTENT_TYPE, 'cache-control': 'no-store' }
	});
};
