/**
 * Issue 9, item 10, as figures (`node bench/history-bounds.ts [MiB] [edits] [parallel]`):
 * one member's note of 2 MiB edited 100 times, one character each, then a
 * replay of it all asked for by 4 members at once, through the server's
 * history code. Prints the bytes answered (JSON, and brotli as sent to a
 * browser), how many pages, the longest the event loop was held (what
 * /healthz waited), and the process's peak resident memory.
 * Figures, no thresholds: run each variant in a fresh process.
 */
import { brotliCompressSync, constants } from 'node:zlib';
import * as Y from 'yjs';
import { Scope } from '../tests/helpers/scope.ts';
import { setUpPractice } from '../tests/helpers/practice.ts';
import { laneDoc } from '#lib/domain/docnames.ts';
import { createNote, noteContent } from '#lib/domain/notes.ts';
import type { BoardId, PracticeId } from '#lib/domain/ids.ts';
import type { LoggedUpdate } from '#server/storage/types.ts';

const BOARD = 'intentie' as BoardId;
const [mib = 2, edits = 100, parallel = 4] = process.argv.slice(2).map(Number);

// The same pieces the tests' fixture uses (tests/helpers/fixture.ts), closed in one call.
const scope = new Scope();
const server = await scope.startServer({ checkpointEvery: 500 });
try {
	const fx = await setUpPractice(server.zwerm.practices, { participants: parallel });
	const p = fx.practice.id as PracticeId;
	const anna = fx.participants[0].member.id;
	const name = laneDoc(p, BOARD, anna);
	const doc = new Y.Doc();
	const log: LoggedUpdate[] = [];
	doc.on('update', (update: Uint8Array) => log.push({ doc: name, update, at: Date.now(), memberId: anna }));
	const id = createNote(doc, { createdBy: anna, at: Date.now(), text: 'a'.repeat(mib * 1024 * 1024) });
	const text = (noteContent(doc, id).get(0) as Y.XmlElement).get(0) as Y.XmlText;
	for (let i = 0; i < edits; i++) text.insert(i * 997, String(i % 10));
	await server.zwerm.storage.log.append(log);
	const head = await server.zwerm.storage.log.headSeq();

	/** One member's whole replay, page by page as the browser asks (old code: one answer). */
	const replayAll = async () => {
		let from = 0;
		let json = 0;
		let pages = 0;
		let largest = 0;
		let compressed = 0;
		while (from < head) {
			const page = (await server.zwerm.timeline.replay(p, BOARD, from, head, from === 0)) as { to?: number };
			const body = Buffer.from(JSON.stringify(page));
			json += body.byteLength;
			largest = Math.max(largest, body.byteLength);
			compressed += brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 5 } }).byteLength;
			pages++;
			from = page.to ?? head;
		}
		return { json, compressed, pages, largest };
	};

	// What a /healthz request waits: the longest the event loop went without a turn (a 5 ms ticker's gaps).
	let last = performance.now();
	let held = 0;
	const ticker = setInterval(() => {
		const now = performance.now();
		held = Math.max(held, now - last - 5);
		last = now;
	}, 5);
	const started = performance.now();
	const results = await Promise.all(Array.from({ length: parallel }, replayAll));
	const took = performance.now() - started;
	clearInterval(ticker);
	held = Math.max(held, performance.now() - last - 5); // a hold that lasted to the end
	const r = results[0];
	const mb = (n: number) => `${(n / 1024 / 1024).toFixed(2)} MiB`;
	console.log(`history bounds: a ${mib} MiB note edited ${edits} times; ${parallel} replays at once`);
	console.log(`  one replay:           ${mb(r.json)} JSON in ${r.pages} page(s), largest ${mb(r.largest)}; ${mb(r.compressed)} brotli`);
	console.log(`  ${parallel} replays took:     ${(took / 1000).toFixed(2)} s`);
	console.log(`  event loop held:      at most ${held.toFixed(0)} ms at a time: a /healthz request waits as long`);
	console.log(`  peak resident memory: ${mb(process.resourceUsage().maxRSS * 1024)}`);
} finally {
	await scope.close();
}
