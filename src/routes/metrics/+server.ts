import { timingSafeEqual } from 'node:crypto';
import { env } from '$env/dynamic/private';
import { getZwerm } from '#server/context.ts';
import type { RequestHandler } from './$types';

/** Compares in constant time (for equal lengths). */
function sameSecret(given: string, expected: string): boolean {
	const a = Buffer.from(given);
	const b = Buffer.from(expected);
	return a.length === b.length && timingSafeEqual(a, b);
}

const text = (body: string, status: number, headers: Record<string, string> = {}) =>
	new Response(body, { status, headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', ...headers } });

/**
 * GET /metrics: Prometheus text exposition format (prom-client), only for
 * `Authorization: Bearer <METRICS_TOKEN>`. Without METRICS_TOKEN there are no
 * metrics to fetch (404): a server on the same machine as its reverse proxy
 * sees every request come from loopback, so the address proves nothing.
 */
export const GET: RequestHandler = async ({ request }) => {
	const token = env.METRICS_TOKEN;
	if (!token) return text('Not found: set METRICS_TOKEN to serve metrics.\n', 404);
	const header = request.headers.get('authorization') ?? '';
	const given = header.startsWith('Bearer ') ? header.slice('Bearer '.length).trim() : '';
	if (!sameSecret(given, token)) return text('Unauthorized\n', 401, { 'www-authenticate': 'Bearer realm="metrics"' });
	const metrics = getZwerm().metrics;
	return text(await metrics.render(), 200, { 'content-type': metrics.contentType });
};
