/**
 * Grouping changes into edits (issue 13: "Grouping 50,000 changes into edits:
 * ≤ 200 ms"): `groupEdits` over 50,000 changes of a board as the server hands
 * them over (what each change did to which note), shaped like ten meetings of
 * eight people typing in their notes at the same time, with pauses, moves,
 * bring-ins and anonymous changes. Prints figures, no thresholds.
 * Run alone with `node bench/edits.ts`; `npm run bench` runs it too.
 */
import { pathToFileURL } from 'node:url';
import { groupEdits, type Change } from '#lib/domain/edits.ts';
import type { LaneKey } from '#lib/domain/history.ts';
import { percentile } from './stats.ts';

export const EDITS_PLAN = { changes: 50_000, members: 8, meetings: 10, runs: 15, targetMs: 200 } as const;

export interface EditsResult {
	readonly changes: number;
	readonly edits: number;
	readonly ms: { readonly p50: number; readonly p95: number; readonly max: number };
	readonly targetMs: number;
	/** p50 against the target: below 1 is within it. */
	readonly ratio: number;
}

/** A board's changes: per meeting, people typing bursts into notes at the same time, with pauses between bursts. */
export function boardChanges(plan: { changes: number; members: number; meetings: number } = EDITS_PLAN): Change[] {
	let seed = 13;
	const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
	const people = Array.from({ length: plan.members }, (_, i) => ({ memberId: `member-${i}`, name: `Lid ${i}` }));
	const perMeeting = Math.ceil(plan.changes / plan.meetings);
	const typing = people.map((_, i) => ({ note: `n-${i}-0`, left: 0, count: 0 }));
	const changes: Change[] = [];
	let at = Date.UTC(2026, 0, 5, 14, 0);
	for (let seq = 1; seq <= plan.changes; seq++) {
		if (seq % perMeeting === 0) at += 14 * 24 * 3_600_000;
		at += Math.floor(random() * 400);
		const p = Math.floor(random() * plan.members);
		const who = typing[p];
		if (who.left === 0) {
			// A new burst: a new note now and then, else back to one of theirs after a pause.
			if (random() < 0.3) who.note = `n-${p}-${++who.count}`;
			else {
				who.note = `n-${p}-${Math.floor(random() * (who.count + 1))}`;
				at += 30_000 + Math.floor(random() * 90_000);
			}
			who.left = 5 + Math.floor(random() * 60);
		}
		who.left--;
		const r = random();
		if (r < 0.03) {
			changes.push({ seq, at: null, lane: 'anonymous', by: 'anonymous', notes: [{ id: `a-${seq % 50}`, kind: 'changed', text: true, moved: false, cited: false, excerpt: 'anoniem' }] });
			continue;
		}
		const lane: LaneKey = r < 0.3 ? 'collective' : `lane:${people[p].memberId}`;
		const kind = r < 0.32 ? 'created' : r > 0.995 ? 'removed' : 'changed';
		changes.push({
			seq,
			at,
			lane,
			by: people[p],
			notes: [{ id: who.note, kind, text: r < 0.9, moved: r >= 0.9, cited: r < 0.31 && lane === 'collective', excerpt: `Notitie ${who.note} over de regels van de gemeente` }]
		});
	}
	return changes;
}

export function benchEdits(plan = EDITS_PLAN): EditsResult {
	const changes = boardChanges(plan);
	let edits = 0;
	for (let i = 0; i < 3; i++) edits = groupEdits(changes).length; // warm-up
	const times: number[] = [];
	for (let i = 0; i < plan.runs; i++) {
		const t0 = performance.now();
		edits = groupEdits(changes).length;
		times.push(performance.now() - t0);
	}
	const sorted = times.sort((a, b) => a - b);
	const p50 = percentile(sorted, 50);
	return { changes: changes.length, edits, ms: { p50, p95: percentile(sorted, 95), max: sorted[sorted.length - 1] }, targetMs: plan.targetMs, ratio: p50 / plan.targetMs };
}

export function printEdits(r: EditsResult, log: (line: string) => void = console.log): void {
	log(`Grouping ${r.changes.toLocaleString('en')} changes into ${r.edits.toLocaleString('en')} edits (groupEdits):`);
	log(`  p50 ${r.ms.p50.toFixed(1)} ms   p95 ${r.ms.p95.toFixed(1)} ms   max ${r.ms.max.toFixed(1)} ms   target ≤ ${r.targetMs} ms: p50 is ${(r.ratio * 100).toFixed(0)} % of it`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
	const result = benchEdits();
	printEdits(result);
	console.log(JSON.stringify({ bench: 'edits', ...result }));
}
