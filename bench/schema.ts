/**
 * What the schema check (server/schema-check.ts) costs per incoming update on
 * a 2,000-note board, next to what applying the same update costs. No server:
 * the check is a pure function of the live document and the update.
 *
 *   node bench/schema.ts
 */
import { loadavg } from 'node:os';
import * as Y from 'yjs';
import { checkUpdate } from '#server/schema-check.ts';
import { createNote, moveNote, noteContent, notesMap } from '#lib/domain/notes.ts';
import type { MemberId, NoteId } from '#lib/domain/ids.ts';
import { prng, writeNotes } from './seed.ts';
import { percentile } from './stats.ts';

const me = 'Bench-member-0001' as MemberId;
const writer = { kind: 'collective', memberId: me } as const;

const server = new Y.Doc();
writeNotes(server, 2000, me, prng(2026));
const client = new Y.Doc();
Y.applyUpdate(client, Y.encodeStateAsUpdate(server));
const ids = [...notesMap(client).keys()] as NoteId[];
const rand = prng(7);
const pick = () => ids[Math.floor(rand() * ids.length)];

/** Times the check (and, for comparison, applying) of updates `make` produces on the client. */
function measure(label: string, count: number, make: () => void, asSync = false) {
	const check: number[] = [];
	const apply: number[] = [];
	let bytes = 0;
	for (let i = 0; i < count; i++) {
		// What a provider sends: one update per transaction, or a sync step 2 (the difference, with the whole delete set).
		const before = Y.encodeStateVector(client);
		const sent: Uint8Array[] = [];
		const listen = (u: Uint8Array) => sent.push(u);
		client.on('update', listen);
		make();
		client.off('update', listen);
		const update = asSync ? Y.encodeStateAsUpdate(client, before) : Y.mergeUpdates(sent);
		bytes += update.length;
		const t0 = performance.now();
		const problem = checkUpdate(server, update, writer);
		const t1 = performance.now();
		if (problem) throw new Error(`${label}: refused (${problem})`);
		Y.applyUpdate(server, update);
		const t2 = performance.now();
		check.push((t1 - t0) * 1000);
		apply.push((t2 - t1) * 1000);
	}
	const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
	const c = sorted(check);
	const a = sorted(apply);
	const row = {
		label,
		count,
		bytes: Math.round(bytes / count),
		checkP50us: +percentile(c, 50).toFixed(1),
		checkP99us: +percentile(c, 99).toFixed(1),
		applyP50us: +percentile(a, 50).toFixed(1)
	};
	console.log(
		`${label.padEnd(44)} ${String(row.bytes).padStart(8)} B   check p50 ${String(row.checkP50us).padStart(9)} µs  p99 ${String(row.checkP99us).padStart(9)} µs   apply p50 ${String(row.applyP50us).padStart(9)} µs`
	);
	return row;
}

console.log(`Schema check on a 2,000-note collective lane (${Y.encodeStateAsUpdate(server).length} bytes); load average ${loadavg()[0].toFixed(2)}\n`);
const rows = [
	measure('keystroke in an existing note', 2000, () => {
		const text = (noteContent(client, pick()).get(0) as Y.XmlElement).get(0) as Y.XmlText;
		text.insert(text.length, 'a');
	}),
	measure('move a note', 2000, () => moveNote(client, pick(), rand(), rand())),
	measure('new note with a sentence', 1000, () => createNote(client, { createdBy: me, at: Date.now(), text: 'Een nieuwe gedachte over het werk.' })),
	measure('offline batch: 50 notes, 200 keystrokes', 50, () => {
		for (let i = 0; i < 50; i++) createNote(client, { createdBy: me, at: Date.now(), text: `offline ${i}` });
		for (let i = 0; i < 200; i++) {
			const text = (noteContent(client, pick()).get(0) as Y.XmlElement).get(0) as Y.XmlText;
			text.insert(0, 'b');
		}
	}, true)
];

// A client that sends its whole state (all of it known to the server), and a board uploaded into an empty document.
const whole = Y.encodeStateAsUpdate(client);
let t0 = performance.now();
checkUpdate(server, whole, writer);
const resendMs = performance.now() - t0;
t0 = performance.now();
Y.applyUpdate(server, whole);
const resendApplyMs = performance.now() - t0;
const empty = new Y.Doc();
t0 = performance.now();
const firstProblem = checkUpdate(empty, whole, writer);
const uploadMs = performance.now() - t0;
t0 = performance.now();
Y.applyUpdate(empty, whole);
const uploadApplyMs = performance.now() - t0;
if (firstProblem) throw new Error(`upload refused: ${firstProblem}`);
console.log(`\nwhole board resent (${whole.length} B, all known):       check ${resendMs.toFixed(1)} ms, apply ${resendApplyMs.toFixed(1)} ms`);
console.log(`whole board uploaded into an empty document:        check ${uploadMs.toFixed(1)} ms, apply ${uploadApplyMs.toFixed(1)} ms`);
console.log(JSON.stringify({ bench: 'schema', rows, resendMs: +resendMs.toFixed(1), resendApplyMs: +resendApplyMs.toFixed(1), uploadMs: +uploadMs.toFixed(1), uploadApplyMs: +uploadApplyMs.toFixed(1) }));
