import type { ChangeAuthor, LaneKey } from './history.ts';

/**
 * Edits: the timeline's human unit. The update log holds one entry per
 * keystroke-sized change; an edit is one person's work on one note until
 * they pause, as Google Docs groups its version history. Pure data, no Yjs:
 * the server reads what each log entry did to each note (`NoteFact`) and
 * groups here; the benchmark and the tests call the same function.
 */

/** Changes of one person to one note further apart than this start a new edit. */
export const EDIT_PAUSE_MS = 60_000;

/** What one log entry did to one note, as the group may see it. */
export interface NoteFact {
	readonly id: string;
	/** The note appeared in this lane, disappeared from it, or changed in it. */
	readonly kind: 'created' | 'removed' | 'changed';
	/** Its text changed. */
	readonly text: boolean;
	/** Its place changed. */
	readonly moved: boolean;
	/** It gained a citation the group may see (an individual note brought in). */
	readonly cited: boolean;
	/** The beginning of its text after the change (before it, for a removal). */
	readonly excerpt: string;
}

/** One log entry of a board with what it did to notes: the input of grouping. */
export interface Change {
	readonly seq: number;
	/** Null for the anonymous lane: its time could point at its author. */
	readonly at: number | null;
	readonly lane: LaneKey;
	readonly by: ChangeAuthor;
	readonly notes: readonly NoteFact[];
}

export type EditVerb = 'wrote' | 'rewrote' | 'moved' | 'removed' | 'broughtIn' | 'changed';

export interface Edit {
	/** The log position right after the edit's last change: the moment the scrubber shows for it. */
	readonly seq: number;
	/** The log position of its first change. */
	readonly from: number;
	/** When its last change was made; null for the anonymous lane. */
	readonly at: number | null;
	/** The lane of its last change. */
	readonly lane: LaneKey;
	readonly by: ChangeAuthor;
	/** The note it is about (the first its first change touched); null for a change of no note. */
	readonly note: string | null;
	/** How many other notes its changes touched as well (arranging a lane moves many at once). */
	readonly others: number;
	readonly verb: EditVerb;
	/** The beginning of the note's text at the end of the edit (before it, for a removal). */
	readonly excerpt: string;
	/** How many log entries it groups. */
	readonly changes: number;
}

/** An edit being built: the facts about its note gathered so far. */
interface Open {
	seq: number;
	from: number;
	at: number | null;
	firstAt: number | null;
	lane: LaneKey;
	/** It changed the note in more than one lane (moved it between lanes). */
	lanes: boolean;
	by: ChangeAuthor;
	note: string | null;
	others: Set<string> | null;
	created: boolean;
	removed: boolean;
	lastRemoved: boolean;
	text: boolean;
	moved: boolean;
	cited: boolean;
	createdCited: boolean;
	excerpt: string;
	changes: number;
	/** Index in the stream of changes of its last change (anonymous edits group only with what directly follows). */
	last: number;
	closed: boolean;
}

const authorKey = (by: ChangeAuthor): string => (by === null ? 'server' : by === 'anonymous' ? 'anonymous' : `m:${by.memberId}`);

/** The note a change is about, and what it says of it. */
function mainFact(change: Change): NoteFact | null {
	return change.notes[0] ?? null;
}

function verbOf(e: Open): EditVerb {
	if (e.created && e.removed && e.lanes) return 'moved';
	if (e.lastRemoved) return 'removed';
	if (e.created) return e.createdCited ? 'broughtIn' : 'wrote';
	if (e.cited) return 'broughtIn';
	if (e.text) return 'rewrote';
	if (e.moved || e.lanes) return 'moved';
	return 'changed';
}

function add(e: Open, change: Change, index: number): void {
	e.seq = change.seq;
	e.at = change.at;
	if (change.lane !== e.lane) e.lanes = true;
	e.lane = change.lane;
	e.changes++;
	e.last = index;
	for (const fact of change.notes) {
		if (fact.id !== e.note) {
			(e.others ??= new Set()).add(fact.id);
			continue;
		}
		if (fact.kind === 'created') {
			e.created = true;
			if (fact.cited && change.lane === 'collective') e.createdCited = true;
		}
		if (fact.kind === 'removed') e.removed = true;
		e.lastRemoved = fact.kind === 'removed';
		e.text ||= fact.text && fact.kind === 'changed';
		e.moved ||= fact.moved && fact.kind === 'changed';
		e.cited ||= fact.cited;
		if (fact.excerpt || fact.kind !== 'removed') e.excerpt = fact.excerpt;
	}
}

function start(change: Change, index: number): Open {
	const fact = mainFact(change);
	const e: Open = {
		seq: change.seq,
		from: change.seq,
		at: change.at,
		firstAt: change.at,
		lane: change.lane,
		lanes: false,
		by: change.by,
		note: fact?.id ?? null,
		others: null,
		created: false,
		removed: false,
		lastRemoved: false,
		text: false,
		moved: false,
		cited: false,
		createdCited: false,
		excerpt: '',
		changes: 0,
		last: index,
		closed: false
	};
	add(e, change, index);
	return e;
}

/**
 * Groups a board's changes (in log order) into edits: one person, one note,
 * until a pause longer than `pause` or until someone else changes that note.
 * Other people's changes to other notes in between do not split an edit
 * (people write at the same time in a meeting); a mark (`breaks`: the log
 * positions of meeting starts and ends, snapshots, restores) does, so the
 * board at a mark is the board after whole edits. Edits come out in the order
 * of their last change, so the moments they end at only move forward.
 *
 * The anonymous lane's changes have no time and no author: they are grouped
 * only with the change of the same note directly before them in the board's
 * order — what the order of changes shows anyway — never by time, and never
 * with a named change.
 */
export function groupEdits(changes: readonly Change[], pause = EDIT_PAUSE_MS, breaks: readonly number[] = []): Edit[] {
	const cuts = [...breaks].sort((a, b) => a - b);
	let cut = 0;
	const all: Open[] = [];
	/** Open edit per author and note. */
	const open = new Map<string, Open>();
	/** Open edit per note, whoever makes it. */
	const byNote = new Map<string, Open>();
	for (let i = 0; i < changes.length; i++) {
		const change = changes[i];
		// A mark (a meeting's start or end, a snapshot) between two changes ends every edit in progress: no edit spans a moment people jump to.
		if (cut < cuts.length && change.seq > cuts[cut]) {
			while (cut < cuts.length && change.seq > cuts[cut]) cut++;
			for (const e of open.values()) e.closed = true;
			open.clear();
		}
		const who = authorKey(change.by);
		const fact = mainFact(change);
		const noteKey = fact ? fact.id : '';
		const key = `${who}\u0000${noteKey}`;
		// Someone else touching a note ends the edit in progress on it.
		for (const f of change.notes) {
			const other = byNote.get(f.id);
			if (other && !other.closed && authorKey(other.by) !== who) {
				other.closed = true;
				open.delete(`${authorKey(other.by)}\u0000${other.note ?? ''}`);
			}
		}
		const current = open.get(key);
		const continues =
			current !== undefined &&
			!current.closed &&
			(change.at === null || current.at === null
				? // Without times (the anonymous lane): only directly after its own last change.
					who === 'anonymous' && current.last === i - 1
				: change.at - current.at <= pause);
		if (continues) {
			add(current, change, i);
			continue;
		}
		if (current) current.closed = true;
		const e = start(change, i);
		all.push(e);
		open.set(key, e);
		if (e.note !== null) byNote.set(e.note, e);
	}
	all.sort((a, b) => a.seq - b.seq);
	return all.map((e) => ({
		seq: e.seq,
		from: e.from,
		at: e.at,
		lane: e.lane,
		by: e.by,
		note: e.note,
		others: e.others?.size ?? 0,
		verb: verbOf(e),
		excerpt: e.excerpt,
		changes: e.changes
	}));
}

/** Where a moment lies among the meetings. */
export type MeetingPlace =
	| { readonly kind: 'before'; readonly next: number | null }
	| { readonly kind: 'in'; readonly n: number; readonly name: string }
	| { readonly kind: 'between'; readonly n: number; readonly next: number | null };

/** The marks meetings leave on a board's timeline. */
export interface MeetingMark {
	readonly kind: string;
	readonly seq: number;
	readonly meetingId: string | null;
	readonly name: string;
}

/**
 * Which meeting the board at log position `seq` belongs to, from the meeting
 * marks: numbered by their starts in log order; a change logged after a
 * meeting's start mark and up to its end mark is in it (a mark's position is
 * the log's head when it was taken, so a change at that position came before
 * it), anything else lies before the first or between two.
 */
export function meetingAt(seq: number, marks: readonly MeetingMark[]): MeetingPlace {
	const starts = marks.filter((m) => m.kind === 'meeting-start').sort((a, b) => a.seq - b.seq);
	let n = 0;
	// A mark is taken once everything logged so far is in the log: a change at its position was made before it.
	while (n < starts.length && starts[n].seq < seq) n++;
	if (n === 0) return { kind: 'before', next: starts.length ? 1 : null };
	const started = starts[n - 1];
	const end = marks.find((m) => m.kind === 'meeting-end' && m.meetingId !== null && m.meetingId === started.meetingId);
	// A change logged at the end mark's position was made before the meeting ended.
	if (!end || seq <= end.seq) return { kind: 'in', n, name: started.name };
	return { kind: 'between', n, next: n < starts.length ? n + 1 : null };
}

/** Edits per time bucket, for the activity chart: `buckets` equal spans from the first timed edit to the last. */
export function activity(edits: readonly Edit[], buckets: number): { start: number; end: number; count: number }[] {
	const times = edits.flatMap((e) => (e.at === null ? [] : [e.at]));
	if (times.length === 0 || buckets < 1) return [];
	let min = times[0];
	let max = times[0];
	for (const t of times) {
		if (t < min) min = t;
		if (t > max) max = t;
	}
	const width = Math.max(1, (max - min) / buckets);
	const out = Array.from({ length: buckets }, (_, i) => ({ start: min + i * width, end: min + (i + 1) * width, count: 0 }));
	for (const t of times) out[Math.min(buckets - 1, Math.floor((t - min) / width))].count++;
	return out;
}
