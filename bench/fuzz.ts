/**
 * The long hostile-input fuzz: `npm run fuzz [-- seconds [seed]]` (default 60 s).
 * Runs the generator of tests/integration/hostile-input.test.ts against a real
 * server while an honest writer and reader keep editing, then prints frames/s,
 * how connections ended, the event loop's delay, stored sizes before/after, and
 * the heap after a full garbage collection every FUZZ_HEAP_EVERY seconds (30):
 * RSS alone grows with whatever the allocator keeps, the heap after GC is what
 * a leak would grow. (`npm run fuzz` runs Node with --expose-gc.)
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { statSync } from 'node:fs';
import * as Y from 'yjs';
import { startTestServer, removeDir } from '../tests/helpers/server.ts';
import { setUpPractice } from '../tests/helpers/practice.ts';
import { connect, waitFor } from '../tests/helpers/clients.ts';
import { countRows, dbFile } from '../tests/helpers/db.ts';
import { runFuzz } from '../tests/fuzz/hostile-frames.ts';
import { collectiveDoc } from '#lib/domain/docnames.ts';
import { createNote, deleteNote, listNotes } from '#lib/domain/notes.ts';
import type { BoardId, NoteId } from '#lib/domain/ids.ts';

const seconds = Number(process.argv[2] ?? process.env.FUZZ_SECONDS ?? 60);
const seed = Number(process.argv[3] ?? process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
const MAX_PAYLOAD = 64 * 1024;

// Hocuspocus logs every refused frame; count instead of printing.
let hocuspocusComplaints = 0;
console.error = () => void hocuspocusComplaints++;
console.warn = () => void hocuspocusComplaints++;

// The fuzz connects a few hundred times a second from one address and fails sign-ins on purpose:
// the per-address limits for strangers would refuse most of it before a frame is read.
const server = await startTestServer({ maxPayload: MAX_PAYLOAD, limits: { connectsPerMinute: Infinity, authFailuresPerMinute: Infinity } });
const fx = await setUpPractice(server.zwerm.practices);
const honestDoc = collectiveDoc(fx.practice.id, 'activiteit' as BoardId);
const playground = collectiveDoc(fx.practice.id, 'context' as BoardId);
const writer = connect(server.wsUrl, honestDoc, fx.facilitator.token, new Y.Doc());
const reader = connect(server.wsUrl, honestDoc, fx.participants[0].token, new Y.Doc());
await Promise.all([writer.saved(), reader.saved()]);

const stored = () => ({
	updates: countRows(server.dataDir, 'updates'),
	checkpoints: countRows(server.dataDir, 'checkpoints'),
	// SQLite in WAL mode: the database file and its write-ahead log.
	dbBytes: ['', '-wal'].reduce((sum, suffix) => sum + (statSync(dbFile(server.dataDir) + suffix, { throwIfNoEntry: false })?.size ?? 0), 0)
});
await server.zwerm.durable.batcher.idle();
const before = stored();
const rssBefore = process.memoryUsage().rss;

/** Heap in use right after a full collection, in MiB (null when run without --expose-gc). */
function heapAfterGc(): number | null {
	if (typeof globalThis.gc !== 'function') return null;
	globalThis.gc();
	globalThis.gc();
	return Math.round((process.memoryUsage().heapUsed / 2 ** 20) * 10) / 10;
}
const heapEvery = Number(process.env.FUZZ_HEAP_EVERY ?? 30) * 1000;
const heapSamples: { atSeconds: number; heapMiB: number | null; rssMiB: number }[] = [];
const fuzzStart = performance.now();
const sampleHeap = () => {
	const sample = {
		atSeconds: Math.round((performance.now() - fuzzStart) / 1000),
		heapMiB: heapAfterGc(),
		rssMiB: Math.round(process.memoryUsage().rss / 2 ** 20),
		honestDocKiB: Math.round(Y.encodeStateAsUpdate(writer.doc).length / 1024),
		documentsLoaded: server.zwerm.hocuspocus.getDocumentsCount(),
		connections: server.zwerm.hocuspocus.getConnectionsCount()
	};
	heapSamples.push(sample);
	process.stdout.write(
		`  t=${sample.atSeconds}s heap after GC ${sample.heapMiB ?? '?'} MiB, rss ${sample.rssMiB} MiB, honest board ${sample.honestDocKiB} KiB, ${sample.documentsLoaded} documents, ${sample.connections} connections\n`
	);
};
sampleHeap();
const heapTimer = setInterval(sampleHeap, heapEvery);

const loop = monitorEventLoopDelay({ resolution: 10 });
loop.enable();
let running = true;
let honestEdits = 0;
let honestMaxMs = 0;
// The honest board keeps its last HONEST_NOTES notes, so its own growth (a few KiB per live note,
// in the server, the writer and the reader) does not pass for a leak in the heap figures.
const HONEST_NOTES = 50;
const honestIds: NoteId[] = [];
const honest = (async () => {
	while (running) {
		const t0 = performance.now();
		const id = createNote(writer.doc, { createdBy: fx.facilitator.member.id, at: honestEdits, text: `eerlijk ${honestEdits}` });
		honestIds.push(id);
		if (honestIds.length > HONEST_NOTES) deleteNote(writer.doc, honestIds.shift()!);
		await writer.saved();
		await waitFor(() => listNotes(reader.doc).some((n) => n.id === id), 'the reader to see the honest note');
		honestEdits++;
		honestMaxMs = Math.max(honestMaxMs, performance.now() - t0);
		await new Promise((r) => setTimeout(r, 100));
	}
})();

process.stdout.write(`fuzzing for ${seconds} s (seed ${seed})...\n`);
const result = await runFuzz({
	wsUrl: server.wsUrl,
	docNames: [honestDoc, playground],
	identities: [
		{ doc: honestDoc, token: fx.observer.token },
		{ doc: playground, token: fx.participants[0].token }
	],
	maxPayload: MAX_PAYLOAD,
	durationMs: seconds * 1000,
	concurrency: 16,
	seed
});
running = false;
await honest;
loop.disable();
clearInterval(heapTimer);
await server.zwerm.durable.batcher.idle();
sampleHeap();
const after = stored();

// The honest clients leave and the server unloads their board: what the heap holds then is
// what the hostile connections left behind (the board itself, tombstones included, is gone).
writer.destroy();
reader.destroy();
for (let i = 0; i < 600 && server.zwerm.hocuspocus.getDocumentsCount() > 0; i++) await new Promise((r) => setTimeout(r, 50));
const emptyHeapMiB = heapAfterGc();
const heapStartMiB = heapSamples[0].heapMiB;

const ms = (ns: number) => Math.round(ns / 1e4) / 100;
const report = {
	seconds: Math.round(result.elapsedMs / 100) / 10,
	seed,
	frames: result.frames,
	framesPerSecond: Math.round(result.frames / (result.elapsedMs / 1000)),
	connections: result.connections,
	upgradeFailures: result.upgradeFailures,
	closesByReason: result.closes,
	serverLimitCloses: server.zwerm.limits.stats.closed,
	framesByKind: result.byKind,
	hocuspocusComplaints,
	honestEdits,
	honestMaxAckMs: Math.round(honestMaxMs),
	eventLoopDelayMs: { max: ms(loop.max), p99: ms(loop.percentile(99)), mean: ms(loop.mean) },
	rssGrowthMiB: Math.round((process.memoryUsage().rss - rssBefore) / 2 ** 20),
	heapAfterGcMiB: heapSamples,
	heapAfterGcNoDocumentsMiB: { atStart: heapStartMiB, atEnd: emptyHeapMiB, documentsLoaded: server.zwerm.hocuspocus.getDocumentsCount() },
	storedBefore: before,
	storedAfter: after
};
process.stdout.write(
	[
		`frames:            ${report.frames} in ${report.seconds} s (${report.framesPerSecond}/s) over ${report.connections} connections`,
		`closes by reason:  ${Object.entries(report.closesByReason)
			.sort((a, b) => b[1] - a[1])
			.map(([k, v]) => `${k}: ${v}`)
			.join(', ')}`,
		`limit closes:      ${JSON.stringify(report.serverLimitCloses)}`,
		`event loop delay:  max ${report.eventLoopDelayMs.max} ms, p99 ${report.eventLoopDelayMs.p99} ms`,
		`honest edits:      ${report.honestEdits} (slowest acknowledged and seen in ${report.honestMaxAckMs} ms)`,
		`stored before:     ${JSON.stringify(before)}`,
		`stored after:      ${JSON.stringify(after)}`,
		`rss growth:        ${report.rssGrowthMiB} MiB`,
		`heap after GC:     ${heapSamples.map((h) => `${h.atSeconds}s ${h.heapMiB ?? '?'}`).join(', ')} (MiB)`,
		`  without clients: ${heapStartMiB ?? '?'} MiB before the fuzz, ${emptyHeapMiB ?? '?'} MiB after it (${server.zwerm.hocuspocus.getDocumentsCount()} documents loaded)`,
		''
	].join('\n')
);
process.stdout.write(JSON.stringify(report) + '\n');

await server.stop();
removeDir(server.dataDir);
process.exit(0);
