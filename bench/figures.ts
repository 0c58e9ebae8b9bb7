/**
 * Figures and the coverage map (`npm run bench`, section 5; alone: `node bench/figures.ts`):
 * a practice of ten meetings, eight boards and 50,000 changes, written to the
 * durable log as the server writes it (checkpoints every 500 updates of a
 * document). Prints:
 *   - the figures with nothing folded yet (every document folded from its start, once);
 *   - the figures after each of ten rounds of 500 new changes (the log since the
 *     last request folded in: the goal is ≤ 300 ms);
 *   - the figures again with nothing new.
 * Figures, no thresholds: the machine is shared and noisy.
 */
import * as Y from 'yjs';
import { startTestServer, removeDir } from '../tests/helpers/server.ts';
import { setUpPractice } from '../tests/helpers/practice.ts';
import { collectiveDoc, laneDoc } from '#lib/domain/docnames.ts';
import { bringIn, createNote, deleteNote, moveNote, noteContent, notesMap, setNoteQuestion } from '#lib/domain/notes.ts';
import { boardsOf } from '#lib/domain/practice.ts';
import { DEFAULT_FRAMEWORK_ID, getBuiltinFramework } from '#lib/domain/frameworks.ts';
import type { BoardId, MemberId, NoteId, PracticeId } from '#lib/domain/ids.ts';
import type { LoggedUpdate } from '#server/storage/types.ts';
import { prng } from './seed.ts';
import { ms, percentile, ratio, table } from './stats.ts';

export const FIGURES_PLAN = { changes: 50_000, meetings: 10, boards: 8, members: 8, rounds: 10, perRound: 500 };
const GOAL_MS = 300;

export interface FiguresResult {
	readonly changes: number;
	readonly boards: number;
	readonly cold: number;
	readonly incremental: { p50: number; p95: number; max: number; n: number };
	readonly unchanged: number;
	readonly goalMs: number;
}

export async function benchFigures(plan = FIGURES_PLAN, log: (line: string) => void = console.log): Promise<FiguresResult> {
	const server = await startTestServer({ checkpointEvery: 500, storeDebounce: 600000 });
	try {
		const fx = await setUpPractice(server.zwerm.practices, { participants: plan.members });
		const p = fx.practice.id as PracticeId;
		const fac = fx.facilitator.member.id;
		const framework = getBuiltinFramework(DEFAULT_FRAMEWORK_ID)!;
		const boards = boardsOf(framework).slice(0, plan.boards);
		const rand = prng(1313);
		const pick = <T>(list: readonly T[]) => list[Math.floor(rand() * list.length)];
		let pending: LoggedUpdate[] = [];
		const since = new Map<string, number>();
		let at = Date.UTC(2026, 0, 5, 9);
		let by: MemberId = fac;
		const docs = boards.map((aspect) => {
			const board = aspect.id as BoardId;
			const make = (name: string) => {
				const doc = new Y.Doc();
				doc.on('update', (update: Uint8Array) => {
					pending.push({ doc: name, update, at, memberId: by });
					since.set(name, (since.get(name) ?? 0) + 1);
				});
				return doc;
			};
			return {
				questions: aspect.questions.length,
				collective: make(collectiveDoc(p, board)),
				lanes: fx.participants.map((s) => ({ id: s.member.id, doc: make(laneDoc(p, board, s.member.id)) }))
			};
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
		const change = (i: number) => {
			at += 1000 + Math.floor(rand() * 4000);
			const b = pick(docs);
			const w = pick(b.lanes);
			const inCollective = rand() < 0.4;
			const doc = inCollective ? b.collective : w.doc;
			by = w.id;
			const notes = [...notesMap(doc).keys()] as NoteId[];
			const r = rand();
			if (notes.length < 5 || r < 0.05) createNote(doc, { createdBy: by, at, text: `Notitie ${i}: wat leren we hier?`, x: rand(), y: rand() });
			else if (r < 0.65) {
				// One keystroke per change, as an editor sends them.
				const paragraph = noteContent(doc, pick(notes)).get(0);
				const text = paragraph instanceof Y.XmlElement ? paragraph.get(0) : null;
				if (text instanceof Y.XmlText) text.insert(Math.floor(rand() * (text.length + 1)), 'abcdefghij'[i % 10]);
			} else if (r < 0.85) moveNote(doc, pick(notes), rand(), rand());
			else if (r < 0.9) setNoteQuestion(doc, pick(notes), Math.floor(rand() * b.questions));
			else if (r < 0.96 && !inCollective) bringIn(b.collective, { doc: w.doc, memberId: w.id, noteId: pick(notes) }, { createdBy: w.id, at });
			else if (notes.length > 20) deleteNote(doc, pick(notes));
			else createNote(doc, { createdBy: by, at, text: 'nog een' });
		};

		// --- Write the history: between meetings a fifth of the changes, the rest during them.
		const started = performance.now();
		const perMeeting = plan.changes / plan.meetings;
		let i = 0;
		for (let meeting = 0; meeting < plan.meetings; meeting++) {
			for (let k = 0; k < perMeeting / 5; k++) change(i++);
			await flush();
			const m = await server.zwerm.meetings.startMeeting(p, { title: `Bijeenkomst ${meeting + 1}`, date: '2026-01-05', agenda: [] }, fac);
			for (let k = 0; k < (perMeeting * 4) / 5; k++) {
				change(i++);
				if (pending.length >= 200) await flush();
			}
			await flush();
			await server.zwerm.meetings.endMeeting(p, m.meeting.id, fac);
			at += 14 * 24 * 3600 * 1000;
		}
		log(`figures: ${i.toLocaleString('en')} changes on ${docs.length} boards, ${plan.meetings} meetings, written in ${ms(performance.now() - started)} ms`);

		// --- Nothing folded yet: every document from its start, once.
		server.zwerm.figures.clear();
		let t0 = performance.now();
		await server.zwerm.figures.figures(p, fx.participants[0].member.id);
		const cold = performance.now() - t0;

		// --- Rounds of new changes, each folded in by the next request.
		const times: number[] = [];
		for (let round = 0; round < plan.rounds; round++) {
			for (let k = 0; k < plan.perRound; k++) change(i++);
			await flush();
			t0 = performance.now();
			await server.zwerm.figures.figures(p, pick(fx.participants).member.id);
			times.push(performance.now() - t0);
		}
		t0 = performance.now();
		await server.zwerm.figures.figures(p, fx.participants[1].member.id);
		const unchanged = performance.now() - t0;
		const sorted = [...times].sort((a, b) => a - b);
		return {
			changes: i,
			boards: docs.length,
			cold,
			incremental: { p50: percentile(sorted, 50), p95: percentile(sorted, 95), max: sorted.at(-1)!, n: sorted.length },
			unchanged,
			goalMs: GOAL_MS
		};
	} finally {
		await server.stop();
		removeDir(server.dataDir);
	}
}

export function printFigures(r: FiguresResult, log: (line: string) => void = console.log): void {
	log('');
	log(`Figures and coverage map: ${r.boards} boards, ${r.changes.toLocaleString('en')} changes over ten meetings`);
	log(
		table(
			['measure', 'ms', 'goal', 'ratio to goal'],
			[
				[`after ${FIGURES_PLAN.perRound} new changes (p50 of ${r.incremental.n})`, ms(r.incremental.p50), `≤ ${r.goalMs} ms`, ratio(r.incremental.p50, r.goalMs)],
				[`after ${FIGURES_PLAN.perRound} new changes (p95)`, ms(r.incremental.p95), `≤ ${r.goalMs} ms`, ratio(r.incremental.p95, r.goalMs)],
				['nothing new since the last request', ms(r.unchanged), `≤ ${r.goalMs} ms`, ratio(r.unchanged, r.goalMs)],
				['nothing folded yet (once per document per process)', ms(r.cold), '', ratio(r.cold, r.goalMs)]
			]
		)
	);
}

if (import.meta.url === `file://${process.argv[1]}`) {
	const quick = process.argv.includes('--quick');
	const result = await benchFigures(quick ? { ...FIGURES_PLAN, changes: 5000, rounds: 3 } : FIGURES_PLAN);
	printFigures(result);
	console.log(JSON.stringify({ figures: result }));
}
