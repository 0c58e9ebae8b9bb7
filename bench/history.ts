/**
 * The timeline's benchmark (`npm run bench:history`, also part of `npm run bench`):
 * a board with 50,000 changes over ten meetings, written to the durable log as
 * the server writes it (checkpoints folded every 500 updates of a document).
 * Prints:
 *   - the time to show any moment (p50/p95), against the naive way: every
 *     update from the start applied, and Y.mergeUpdates of them;
 *   - the time to compare two meetings (p50/p95);
 *   - the size of the live documents against the same board without history.
 * Figures, no thresholds: the machine is shared and noisy.
 */
import * as Y from 'yjs';
import { startTestServer, removeDir } from '../tests/helpers/server.ts';
import { setUpPractice } from '../tests/helpers/practice.ts';
import { collectiveDoc, laneDoc } from '#lib/domain/docnames.ts';
import { bringIn, createNote, deleteNote, listNotes, moveNote, noteContent, notesMap, setNoteColor } from '#lib/domain/notes.ts';
import { NOTE_COLORS } from '#lib/domain/palette.ts';
import type { BoardId, MemberId, PracticeId } from '#lib/domain/ids.ts';
import type { LoggedUpdate } from '#server/storage/types.ts';
import { prng } from './seed.ts';
import { bytes, ms, percentile, ratio, round3, table } from './stats.ts';

const BOARD = 'intentie' as BoardId;

export const HISTORY_PLAN = { changes: 50_000, meetings: 10, members: 8, moments: 200, naiveSamples: 3 };

export interface HistoryResult {
	readonly changes: number;
	readonly edits: number;
	readonly timelineAnswer: { coldMs: number; warmMs: number };
	readonly checkpoints: number;
	readonly moment: { p50: number; p95: number; max: number; n: number };
	readonly naiveApply: { median: number; n: number };
	readonly naiveMerge: { ms: number };
	readonly compare: { p50: number; p95: number; n: number };
	readonly compareCold: { p50: number; p95: number; n: number };
	readonly momentCold: { p50: number; p95: number; n: number };
	readonly replay1000: { median: number };
	readonly liveBytes: number;
	readonly withoutHistoryBytes: number;
	readonly notes: number;
}

const pctl = (samples: number[], p: number) => percentile([...samples].sort((a, b) => a - b), p);

export async function benchHistory(plan = HISTORY_PLAN, log: (line: string) => void = console.log): Promise<HistoryResult> {
	const server = await startTestServer({ checkpointEvery: 500, storeDebounce: 600000 });
	try {
		const fx = await setUpPractice(server.zwerm.practices, { participants: plan.members });
		const p = fx.practice.id as PracticeId;
		const writers = fx.participants.map((s) => ({ id: s.member.id, lane: new Y.Doc(), name: laneDoc(p, BOARD, s.member.id) }));
		const collective = { doc: new Y.Doc(), name: collectiveDoc(p, BOARD) };
		const rand = prng(4242);
		const pick = <T>(list: readonly T[]) => list[Math.floor(rand() * list.length)];

		// --- Write the history -------------------------------------------------
		const started = performance.now();
		let pending: LoggedUpdate[] = [];
		const since = new Map<string, number>();
		let at = Date.UTC(2026, 0, 5, 9);
		let by: MemberId = fx.facilitator.member.id;
		const capture = (doc: Y.Doc, name: string) =>
			doc.on('update', (update: Uint8Array) => {
				pending.push({ doc: name, update, at, memberId: by });
				since.set(name, (since.get(name) ?? 0) + 1);
			});
		capture(collective.doc, collective.name);
		for (const w of writers) capture(w.lane, w.name);
		const flush = async () => {
			await server.zwerm.storage.log.append(pending);
			pending = [];
			for (const [name, n] of since) {
				if (n >= 500) {
					await server.zwerm.durable.checkpoint(name);
					since.set(name, 0);
				}
			}
		};

		const typing = new Map<Y.Doc, { note: string; text: Y.XmlText; at: number; left: number }>();
		const perMeeting = plan.changes / plan.meetings;
		for (let meeting = 0; meeting < plan.meetings; meeting++) {
			for (let i = 0; i < perMeeting; i++) {
				at += 1000 + Math.floor(rand() * 4000);
				const w = pick(writers);
				const inCollective = rand() < 0.4;
				const doc = inCollective ? collective.doc : w.lane;
				by = inCollective && rand() < 0.3 ? fx.facilitator.member.id : w.id;
				const notes = [...notesMap(doc).keys()];
				const r = rand();
				if (notes.length < 5 || r < 0.04) {
					createNote(doc, { createdBy: by, at, text: `Notitie ${meeting}.${i}: wat leren we hier?`, x: rand(), y: rand(), color: pick(NOTE_COLORS).id });
				} else if (r < 0.62) {
					// Typing: one keystroke per change, as an editor sends them, continuing where this writer was typing.
					const session = typing.get(doc);
					if (!session || session.left === 0 || !notesMap(doc).has(session.note)) {
						const note = pick(notes);
						const paragraph = noteContent(doc, note as never).get(0);
						const text = paragraph instanceof Y.XmlElement ? paragraph.get(0) : null;
						if (text instanceof Y.XmlText) typing.set(doc, { note, text, at: Math.floor(rand() * (text.length + 1)), left: 5 + Math.floor(rand() * 25) });
						else createNote(doc, { createdBy: by, at, text: 'opnieuw' });
					}
					const t = typing.get(doc);
					if (t && t.left > 0 && notesMap(doc).has(t.note)) {
						t.text.insert(Math.min(t.at, t.text.length), 'abcdefghijklmnopqrstuvwxyz '[i % 27]);
						t.at++;
						t.left--;
					}
				} else if (r < 0.87) moveNote(doc, pick(notes) as never, rand(), rand());
				else if (r < 0.92) setNoteColor(doc, pick(notes) as never, pick(NOTE_COLORS).id);
				else if (r < 0.97 && !inCollective) bringIn(collective.doc, { doc: w.lane, memberId: w.id, noteId: pick(notes) as never }, { createdBy: w.id, at });
				else if (notes.length > 20) deleteNote(doc, pick(notes) as never);
				else createNote(doc, { createdBy: by, at, text: 'nog een' });
				if (pending.length >= 200) await flush();
			}
			await flush();
			await server.zwerm.meetings.snapshot(p, `Bijeenkomst ${meeting + 1}`, fx.facilitator.member.id);
			at += 14 * 24 * 3600 * 1000;
		}
		// The history answer with its edits: the first time replays every lane once to see what each change did; then only what is new.
		let t = performance.now();
		const timeline = await server.zwerm.timeline.timeline(p, BOARD);
		const timelineColdMs = performance.now() - t;
		t = performance.now();
		await server.zwerm.timeline.timeline(p, BOARD);
		const timelineWarmMs = performance.now() - t;
		const entries = timeline.entries;
		const docs = [collective.name, ...writers.map((w) => w.name)];
		let checkpoints = 0;
		for (const name of docs) checkpoints += (await server.zwerm.storage.log.history([name])).length > 0 ? Math.floor((await server.zwerm.storage.log.history([name])).length / 500) : 0;
		log(`history: ${entries.length} changes in ${docs.length} documents, ${timeline.marks.length} meetings, written in ${ms(performance.now() - started)} ms`);

		// --- Show any moment ---------------------------------------------------
		const momentTimes: number[] = [];
		await server.zwerm.timeline.view(p, BOARD, entries[0].seq); // warm-up
		for (let i = 0; i < plan.moments; i++) {
			const seq = entries[Math.floor(rand() * entries.length)].seq;
			const t0 = performance.now();
			await server.zwerm.timeline.view(p, BOARD, seq);
			momentTimes.push(performance.now() - t0);
		}

		// The naive way: apply every logged update from the start (no checkpoints).
		const naive: number[] = [];
		const late = entries[Math.floor(entries.length * 0.9)].seq;
		for (let i = 0; i < plan.naiveSamples; i++) {
			const t0 = performance.now();
			const updates = await server.zwerm.storage.log.updatesBetween(docs, 0, late);
			const byDoc = new Map<string, Y.Doc>();
			for (const u of updates) {
				let d = byDoc.get(u.doc);
				if (!d) byDoc.set(u.doc, (d = new Y.Doc()));
				Y.applyUpdate(d, u.data);
			}
			for (const d of byDoc.values()) listNotes(d);
			naive.push(performance.now() - t0);
		}
		const updates = await server.zwerm.storage.log.updatesBetween([collective.name], 0, late);
		const m0 = performance.now();
		Y.mergeUpdates(updates.map((u) => u.data));
		const mergeMs = performance.now() - m0;

		// --- Compare two meetings ----------------------------------------------
		const compareTimes: number[] = [];
		const marks = timeline.marks;
		const coldCompareTimes: number[] = [];
		for (let i = 1; i < marks.length; i++) {
			for (const from of [marks[i - 1], marks[0]]) {
				server.zwerm.timeline.clearCache();
				let t0 = performance.now();
				await server.zwerm.timeline.compare(p, BOARD, from.seq, marks[i].seq);
				coldCompareTimes.push(performance.now() - t0);
				t0 = performance.now();
				await server.zwerm.timeline.compare(p, BOARD, from.seq, marks[i].seq);
				compareTimes.push(performance.now() - t0);
			}
		}
		// Any moment again, with nothing cached (every lane rebuilt from its checkpoint).
		const coldMoments: number[] = [];
		for (let i = 0; i < 50; i++) {
			server.zwerm.timeline.clearCache();
			const seq = entries[Math.floor(rand() * entries.length)].seq;
			const t0 = performance.now();
			await server.zwerm.timeline.view(p, BOARD, seq);
			coldMoments.push(performance.now() - t0);
		}

		// --- A replay chunk of 1,000 steps ---------------------------------------
		const replayTimes: number[] = [];
		for (let i = 0; i < 3; i++) {
			const start = Math.floor(rand() * (entries.length - 1001));
			const t0 = performance.now();
			await server.zwerm.timeline.replay(p, BOARD, entries[start].seq, entries[start + 1000].seq);
			replayTimes.push(performance.now() - t0);
		}

		// --- Live size against the same board without history --------------------
		let liveBytes = 0;
		let freshBytes = 0;
		let noteCount = 0;
		for (const name of docs) {
			const live = await server.zwerm.readDocument(name);
			liveBytes += Y.encodeStateAsUpdateV2(live).byteLength;
			const fresh = new Y.Doc();
			for (const n of listNotes(live)) {
				noteCount++;
				createNote(fresh, { id: n.id, createdBy: n.createdBy, at: n.createdAt, x: n.x, y: n.y, color: n.color, cites: n.cites, nodes: noteContent(live, n.id).toArray() as never });
			}
			freshBytes += Y.encodeStateAsUpdateV2(fresh).byteLength;
		}

		return {
			changes: entries.length,
			edits: timeline.edits.length,
			timelineAnswer: { coldMs: timelineColdMs, warmMs: timelineWarmMs },
			checkpoints,
			moment: { p50: pctl(momentTimes, 50), p95: pctl(momentTimes, 95), max: Math.max(...momentTimes), n: momentTimes.length },
			naiveApply: { median: pctl(naive, 50), n: naive.length },
			naiveMerge: { ms: mergeMs },
			compare: { p50: pctl(compareTimes, 50), p95: pctl(compareTimes, 95), n: compareTimes.length },
			compareCold: { p50: pctl(coldCompareTimes, 50), p95: pctl(coldCompareTimes, 95), n: coldCompareTimes.length },
			momentCold: { p50: pctl(coldMoments, 50), p95: pctl(coldMoments, 95), n: coldMoments.length },
			replay1000: { median: pctl(replayTimes, 50) },
			liveBytes,
			withoutHistoryBytes: freshBytes,
			notes: noteCount
		};
	} finally {
		await server.stop();
		removeDir(server.dataDir);
	}
}

export function printHistory(r: HistoryResult, log: (line: string) => void = console.log): void {
	log('');
	log(`Timeline: a board with ${r.changes.toLocaleString('en')} changes over ten meetings (${r.notes} notes at the end)`);
	log(
		table(
			['measure', 'p50 ms', 'p95 ms', 'goal', 'against naive'],
			[
				['show any moment (as the scrubber asks)', ms(r.moment.p50), ms(r.moment.p95), '≤ 100 ms p95', `${ratio(r.naiveApply.median, r.moment.p95)} faster than applying every update (${ms(r.naiveApply.median)} ms)`],
				['show any moment, nothing cached', ms(r.momentCold.p50), ms(r.momentCold.p95), '≤ 100 ms p95', ''],
				['compare two meetings, nothing cached', ms(r.compareCold.p50), ms(r.compareCold.p95), '≤ 200 ms', ''],
				['compare two meetings again (cached lanes)', ms(r.compare.p50), ms(r.compare.p95), '', ''],
				['replay 1,000 steps', ms(r.replay1000.median), '', '', ''],
				[`history answer with ${r.edits.toLocaleString('en')} edits, first time (every lane replayed)`, ms(r.timelineAnswer.coldMs), '', '', ''],
				['history answer with edits again (nothing new)', ms(r.timelineAnswer.warmMs), '', '', ''],
				['naive: Y.mergeUpdates (collective lane only)', ms(r.naiveMerge.ms), '', '', '']
			]
		)
	);
	log(`live documents: ${bytes(r.liveBytes)}; the same board written fresh without history: ${bytes(r.withoutHistoryBytes)} (${ratio(r.liveBytes, r.withoutHistoryBytes)})`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
	const quick = process.argv.includes('--quick');
	const result = await benchHistory(quick ? { ...HISTORY_PLAN, changes: 5000, moments: 50 } : HISTORY_PLAN);
	printHistory(result);
	console.log(JSON.stringify(round3({ history: result })));
}
