import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import { getZwerm } from '#server/context.ts';
import { isServiceError } from '#server/errors.ts';

const br = promisify(brotliCompress);
const gz = promisify(gzip);

/** Smaller answers are sent as they are: compressing them costs more than it saves. */
const MIN_BYTES = 1024;

/**
 * JSON, compressed when the client accepts it (brotli, else gzip): SvelteKit
 * and adapter-node send bodies as they are, and history answers are JSON that
 * shrinks about tenfold. zlib runs on libuv's thread pool, not the event loop.
 */
export async function compressedJson(request: Request, value: unknown, init: { status?: number } = {}): Promise<Response> {
	const body = Buffer.from(JSON.stringify(value));
	const headers = new Headers({ 'content-type': 'application/json', vary: 'accept-encoding' });
	const accepted = acceptedEncodings(request.headers.get('accept-encoding'));
	if (body.byteLength < MIN_BYTES || accepted.size === 0) return new Response(body, { status: init.status ?? 200, headers });
	// Brotli at a middle quality: at its default (11) a page of a few MiB takes seconds.
	const encoding = accepted.has('br') ? 'br' : 'gzip';
	const packed =
		encoding === 'br'
			? await br(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 5, [constants.BROTLI_PARAM_SIZE_HINT]: body.byteLength } })
			: await gz(body, { level: 6 });
	headers.set('content-encoding', encoding);
	return new Response(new Uint8Array(packed), { status: init.status ?? 200, headers });
}

/** The encodings of an Accept-Encoding header we can produce (q=0 excludes). */
function acceptedEncodings(header: string | null): Set<'br' | 'gzip'> {
	const out = new Set<'br' | 'gzip'>();
	for (const part of (header ?? '').split(',')) {
		const [name, ...params] = part.trim().toLowerCase().split(';');
		const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
		if (q && Number(q.slice(2)) === 0) continue;
		if (name === 'br' || name === 'gzip') out.add(name);
	}
	return out;
}

/**
 * A history answer: the work runs through the server's gate for history work
 * (the timeline's, server/work-gate.ts), then goes out compressed. Too much waiting already:
 * 429 with Retry-After and a message the timeline shows.
 */
export async function historyAnswer(request: Request, memberId: string, work: () => Promise<unknown>): Promise<Response> {
	let value: unknown;
	try {
		value = await getZwerm().timeline.gate.run(memberId, work);
	} catch (e) {
		if (!isServiceError(e) || e.code !== 'busy') throw e;
		return new Response(JSON.stringify({ message: e.message, code: e.code }), {
			status: e.status,
			headers: { 'content-type': 'application/json', 'retry-after': String(e.retryAfter ?? 2) }
		});
	}
	return compressedJson(request, value);
}
