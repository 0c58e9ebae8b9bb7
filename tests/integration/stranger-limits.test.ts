import { Writable } from 'node:stream';
import { vi } from 'vitest';
import WebSocket from 'ws';
import { describe, expect, it } from '../helpers/fixture.ts';
import { setUpPractice, type PracticeFixture } from '../helpers/practice.ts';
import { authFrame, decodeServerMessage } from '../helpers/protocol.ts';
import { createLogger, routeConsole } from '#server/logger.ts';
import { collectiveDoc } from '#lib/domain/docnames.ts';
import type { BoardId } from '#lib/domain/ids.ts';

/**
 * A stranger without an account hammers the collaboration endpoint from one
 * address: bad tokens, unknown documents, text frames. The address runs out
 * of failed sign-ins and is refused (4429 / HTTP 429) while a member at
 * another address keeps working, and the log grows by a bounded number of
 * lines however long the hammering lasts.
 */

let restoreConsole: (() => void) | null = null;
it.afterEach(() => {
	restoreConsole?.();
	restoreConsole = null;
	vi.restoreAllMocks();
});

/** Every line pino writes, parsed. */
function capture() {
	const lines: { event: string; level: string; repeated?: number; [key: string]: unknown }[] = [];
	let bytes = 0;
	const destination = new Writable({
		write(chunk: Buffer, _encoding, done) {
			bytes += chunk.length;
			for (const line of chunk.toString().split('\n')) if (line) lines.push(JSON.parse(line));
			done();
		}
	});
	return { lines, bytes: () => bytes, logger: createLogger({ destination }) };
}

type Outcome = 'authenticated' | 'unauthorized' | 'not-found' | 'rate-limited' | 'refused-429' | 'other';

/** One connection from `address` (a trusted proxy's X-Forwarded-For) that tries `documentName` with `token`. */
async function attempt(wsUrl: string, address: string, documentName: string, token: string, extra?: () => (Uint8Array | string)[]): Promise<Outcome> {
	const ws = new WebSocket(wsUrl, { headers: { 'x-forwarded-for': address } });
	return new Promise<Outcome>((resolve) => {
		const done = (outcome: Outcome) => {
			ws.terminate();
			resolve(outcome);
		};
		ws.on('unexpected-response', (_req, res) => done(res.statusCode === 429 ? 'refused-429' : 'other'));
		ws.on('error', () => done('other'));
		ws.on('close', (code) => done(code === 4429 ? 'rate-limited' : 'other'));
		ws.on('open', () => ws.send(authFrame(documentName, token)));
		ws.on('message', (data: Buffer) => {
			const message = decodeServerMessage(new Uint8Array(data));
			if (message.type === 'authenticated') done('authenticated');
			if (message.type === 'permission-denied') {
				// Refused: now the junk, which the server must also shrug off without a line each.
				for (const frame of extra?.() ?? []) ws.send(frame);
				const reason = message.reason;
				done(reason === 'unauthorized' ? 'unauthorized' : reason === 'not-found' ? 'not-found' : reason === 'rate-limited' ? 'rate-limited' : 'other');
			}
		});
	});
}

describe('strangers on the collaboration endpoint', () => {
	it('refuse an address that keeps failing to sign in, clearly, and log it as a bounded digest', async ({ startServer }) => {
		const log = capture();
		// Whatever escapes the logger onto the console counts as log output too.
		const escaped = [vi.spyOn(console, 'error').mockImplementation(() => {}), vi.spyOn(console, 'warn').mockImplementation(() => {})];
		restoreConsole = routeConsole(log.logger);
		// One failure a minute refills: however long the 200 attempts take on a busy machine (under the
		// test's minute), at most one more gets through than the burst of 20.
		const server = await startServer({
			logger: log.logger,
			limits: { trustProxy: true, authFailureBurst: 20, authFailuresPerMinute: 1 }
		});
		const fx: PracticeFixture = await setUpPractice(server.zwerm.practices);
		const doc = collectiveDoc(fx.practice.id, 'intentie' as BoardId);

		const stranger = '203.0.113.7';
		const outcomes: Outcome[] = [];
		const ATTEMPTS = 200;
		for (let i = 0; i < ATTEMPTS; i += 10) {
			outcomes.push(
				...(await Promise.all(
					Array.from({ length: 10 }, (_, j) =>
						(i + j) % 2 === 0
							? attempt(server.wsUrl, stranger, doc, `wrong-token-${i + j}`, () => ['tekst', new Uint8Array([255, 255, 255])])
							: attempt(server.wsUrl, stranger, `practice/nope-${i + j}`, 'x')
					)
				))
			);
		}
		const count = (o: Outcome) => outcomes.filter((x) => x === o).length;
		// The first attempts are told plainly why; then the address is refused.
		expect(outcomes.slice(0, 2)).toEqual(['unauthorized', 'not-found']);
		expect(count('unauthorized') + count('not-found')).toBeLessThanOrEqual(21);
		expect(count('rate-limited') + count('refused-429')).toBeGreaterThanOrEqual(ATTEMPTS - 21);
		expect(count('refused-429')).toBeGreaterThan(0);
		expect(count('authenticated')).toBe(0);

		// A member behind another address is not affected.
		expect(await attempt(server.wsUrl, '198.51.100.2', doc, fx.participants[0].token)).toBe('authenticated');

		restoreConsole();
		restoreConsole = null;
		server.zwerm.digest.flush();
		const escapedLines = escaped.reduce((sum, spy) => sum + spy.mock.calls.length, 0);
		const lines = log.lines.length + escapedLines;
		// One line per kind as it first happens and one summary per kind: not one per attempt.
		expect(lines, JSON.stringify(log.lines.map((l) => l.event))).toBeLessThanOrEqual(24);
		expect(log.bytes()).toBeLessThan(32 * 1024);
		// The summaries still say how much was refused.
		const repeated = log.lines.filter((l) => l.event === 'connection-refused').reduce((sum, l) => sum + (l.repeated ?? 1), 0);
		expect(repeated).toBe(count('refused-429'));
		// No token reaches the log.
		expect(JSON.stringify(log.lines)).not.toContain('wrong-token');
	});

	it('forget addresses once their budget has refilled', async ({ startServer }) => {
		vi.spyOn(console, 'error').mockImplementation(() => {});
		const server = await startServer({ limits: { trustProxy: true, authFailureBurst: 2, authFailuresPerMinute: 60_000 } });
		const fx = await setUpPractice(server.zwerm.practices);
		const doc = collectiveDoc(fx.practice.id, 'intentie' as BoardId);
		for (let i = 0; i < 20; i++) expect(await attempt(server.wsUrl, `192.0.2.${i}`, doc, 'wrong')).toBe('unauthorized');
		expect(server.zwerm.limits.strangers.authFailures.size).toBeGreaterThan(0);
		// Refilled in a millisecond; the next sweep (after a minute) would drop them. Ask with a clock a minute on.
		const later = performance.now() + 61_000;
		server.zwerm.limits.strangers.authFailures.take('192.0.2.250', later);
		expect(server.zwerm.limits.strangers.authFailures.size).toBe(1);
	});
});
