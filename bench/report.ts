/**
 * The story report's benchmark (`npm run bench:report`, also part of `npm run bench`):
 * a practice of 8 boards with 50,000 changes over 10 meetings (start and end
 * marks, time between them), written to the durable log as the server writes
 * it (checkpoints folded every 500 updates of a document). Prints the time to
 * produce the whole-practice report (every board, the beginning to now, as
 * data and as Markdown), with nothing cached and again, and its ratio to the
 * target of 1 s. Figures, no thresholds: the machine is shared and noisy.
 *
 * `--per-board` writes 50,000 changes on every board (400,000 in all) instead.
 */
import os from 'node:os';
import * as Y from 'yjs';
import { startTestServer, removeDir } from '../tests/helpers/server.ts';
import { setUpPractice } from '../tests/helpers/practice.ts';
import { collectiveDoc, laneDoc } from '#lib/domain/docnames.ts';
import { bringIn, createNote, deleteNote, moveNote, noteContent, notesMap, setNoteColor } from '#lib/domain/notes.ts';
import { boardsOf } from '#lib/domain/practice.ts';
import { NOTE_COLORS } from '#lib/domain/palette.ts';
import type { BoardId, MemberId, PracticeId } from '#lib/domain/ids.ts';
import type { LoggedUpdate } from '#server/storage/types.ts';
import { buildReport, reportMarkdown } from '#server/report.ts';
import { prng } from './seed.ts';
import { median, ms, ratio, round3, table } from './stats.ts';

export const REPORT_PLAN = { changes: 50_000, meetings: 10, boards: 8, members: 8, runs: 5 };
export const REPORT_TARGET_MS = 1000;

export interface ReportResult {
	readonly changes: number;
	readonly boards: number;
	readonly meetings: number;
	readonly chapters: number;
	readonly cold: { median: number; max: number; n: number };
	readonly warm: { median: number; n: number };
	/** CPU time of this process while producing it (user + system): the figure the machine's other load does not inflate. */
	readonly cpu: { median: number };
	readonly markdownBytes: number;
}

export async function benchReport(plan = REPORT_PLAN, log: (line: string) => void = console.log): Promise<ReportResult> {
	const server = await startTestServer({ checkpointEvery: 500, storeDebounce: 600000 });
	try {
		const fx = await setUpPractice(server.zwerm.practices, { participants: plan.members });
		const p = fx.practice.id as PracticeId;
		const fenna = fx.facilitator.member.id;
		const boards = boardsOf(fx.practice.framework)
			.slice(0, plan.boards)
			.map((a) => a.id as BoardId);
		const rand = prng(1313);
		const pick = <T>(list: readonly T[]) => list[Math.floor(rand() * list.length)];

		let pending: LoggedUpdate[] = [];
		const since = new Map<string, number>();
		let at = Date.UTC(2026, 0, 5, 9);
		let by: MemberId = fenna;
		const capture = (doc: Y.Doc, name: string) =>
			doc.on('update', (update: Uint8Array) => {
				pending.push({ doc: name, update, at, memberId: by });
				since.set(name, (since.get(name) ?? 0) + 1);
			});
		const lanes = boards.map((board) => {
			const collective = { doc: new Y.Doc(), name: collectiveDoc(p, board) };
			capture(collective.doc, collective.name);
			const writers = fx.participants.map((s) => {
				const w = { id: s.member.id, lane: new Y.Doc(), name: laneDoc(p, board, s.member.id) };
				capture(w.lane, w.name);
				return w;
			});
			return { collective, writers };
		});
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

		const started = performance.now();
		const typing = new Map<Y.Doc, { note: string; text: Y.XmlText; at: number; left: number }>();
		const perStretch = plan.changes / (plan.meetings * 2);
		const change = (i: number) => {
			at += 1000 + Math.floor(rand() * 4000);
			const { collective, writers } = pick(lanes);
			const w = pick(writers);
			const inCollective = rand() < 0.4;
			const doc = inCollective ? collective.doc : w.lane;
			by = inCollective && rand() < 0.3 ? fenna : w.id;
			const notes = [...notesMap(doc).keys()];
			const r = rand();
			if (notes.length < 5 || r < 0.04) {
				createNote(doc, { createdBy: by, at, text: `Notitie ${i}: wat leren we hier samen van?`, x: rand(), y: rand(), color: pick(NOTE_COLORS).id });
			} else if (r < 0.62) {
				// Typing: one keystroke per change, as an editor sends them.
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
		};
		let i = 0;
		for (let meeting = 0; meeting < plan.meetings; meeting++) {
			// Between meetings: work at home. Then the meeting itself.
			for (let k = 0; k < perStretch; k++) {
				change(i++);
				if (pending.length >= 500) await flush();
			}
			await flush();
			const { meeting: m } = await server.zwerm.meetings.startMeeting(p, { title: `Bijeenkomst ${meeting + 1}`, date: '2026-01-05', agenda: boards }, fenna);
			for (let k = 0; k < perStretch; k++) {
				change(i++);
				if (pending.length >= 500) await flush();
			}
			await flush();
			await server.zwerm.meetings.endMeeting(p, m.id, fenna);
			at += 14 * 24 * 3600 * 1000;
		}
		const head = await server.zwerm.storage.log.headSeq();
		log(`report: ${head.toLocaleString('en')} changes on ${boards.length} boards (${lanes[0].writers.length + 1} lanes each), ${plan.meetings} meetings, written in ${ms(performance.now() - started)} ms`);

		// --- The whole-practice report -------------------------------------------
		const practice = (await server.zwerm.practices.get(p))!;
		const sources = { reader: server.zwerm.reader, log: server.zwerm.storage.log };
		const produce = async () => {
			const marks = await server.zwerm.meetings.listMarks(p);
			const report = await buildReport(sources, practice, { seq: 0, label: 'het begin', at: null }, { seq: head, label: 'nu', at: Date.now() }, { language: 'nl', marks });
			return { report, markdown: reportMarkdown(report) };
		};
		const cold: number[] = [];
		const warm: number[] = [];
		const cpu: number[] = [];
		let last: Awaited<ReturnType<typeof produce>> | null = null;
		for (let run = 0; run < plan.runs; run++) {
			server.zwerm.timeline.clearCache();
			let t0 = performance.now();
			const c0 = process.cpuUsage();
			last = await produce();
			cold.push(performance.now() - t0);
			const c = process.cpuUsage(c0);
			cpu.push((c.user + c.system) / 1000);
			t0 = performance.now();
			await produce();
			warm.push(performance.now() - t0);
		}
		return {
			changes: head,
			boards: boards.length,
			meetings: plan.meetings,
			chapters: last!.report.chapters.length,
			cold: { median: median(cold), max: Math.max(...cold), n: cold.length },
			warm: { median: median(warm), n: warm.length },
			cpu: { median: median(cpu) },
			markdownBytes: Buffer.byteLength(last!.markdown)
		};
	} finally {
		await server.stop();
		removeDir(server.dataDir);
	}
}

export function printReport(r: ReportResult, log: (line: string) => void = console.log): void {
	log('');
	log(`load average ${os.loadavg().map((l) => l.toFixed(1)).join(' / ')} on ${os.cpus().length} cores (wall times include waiting for the CPU)`);
	log(`Story report: the whole practice, ${r.boards} boards × ${r.meetings} meetings × ${r.changes.toLocaleString('en')} changes (${r.chapters} chapters, ${(r.markdownBytes / 1024).toFixed(0)} KiB of Markdown)`);
	log(
		table(
			['measure', 'median ms', 'max ms', 'target', 'against target'],
			[
				['produce the report, nothing cached', ms(r.cold.median), ms(r.cold.max), `≤ ${REPORT_TARGET_MS} ms`, ratio(r.cold.median, REPORT_TARGET_MS)],
				['produce it again', ms(r.warm.median), '', `≤ ${REPORT_TARGET_MS} ms`, ratio(r.warm.median, REPORT_TARGET_MS)],
				['CPU time of producing it, nothing cached', ms(r.cpu.median), '', `≤ ${REPORT_TARGET_MS} ms`, ratio(r.cpu.median, REPORT_TARGET_MS)]
			]
		)
	);
}

if (import.meta.url === `file://${process.argv[1]}`) {
	const perBoard = process.argv.includes('--per-board');
	const quick = process.argv.includes('--quick');
	const plan = perBoard ? { ...REPORT_PLAN, changes: REPORT_PLAN.changes * REPORT_PLAN.boards, runs: 3 } : quick ? { ...REPORT_PLAN, changes: 5000 } : REPORT_PLAN;
	const result = await benchReport(plan);
	printReport(result);
	console.log(JSON.stringify(round3({ report: result })));
}
