import type { JSONContent } from '@tiptap/core';
import { diffWords, type ChangeObject } from 'diff';
import type { CitationRef, LearningLoop } from './notes.ts';
import type { NoteColor } from './palette.ts';
import { applyPatch, type Patch } from './patch.ts';

/**
 * The timeline's plain data: a board as it was at one moment, and what
 * changed between two moments. Built on the server (server/history.ts) from
 * the update log; shown read-only by the browser. No Yjs here.
 */

import { laneMember, type LaneKey } from './lanes.ts';

export { laneMember, memberLane, type LaneKey } from './lanes.ts';

export interface NoteView {
	readonly id: string;
	readonly lane: LaneKey;
	/** ProseMirror JSON of the note's text, unsanitised: render with contentToHtml. */
	readonly content: JSONContent;
	readonly text: string;
	readonly color: NoteColor;
	/** Its place as fractions of its lane (for notes from before board units). */
	readonly x: number;
	readonly y: number;
	/** Its place in its region in board units (board-space.ts), when it has one: lay out with notePosition. */
	readonly px?: number;
	readonly py?: number;
	readonly createdAt: number | null;
	/** A member id; null for the anonymous lane and the server. */
	readonly createdBy: string | null;
	readonly loop: LearningLoop | null;
	readonly cites: readonly CitationRef[];
	/** The note is longer than history shows (NOTE_VIEW_CHARS): text and content are its beginning. */
	readonly truncated?: true;
}

/** History shows at most this many characters of a note (the note quota lets no honest note grow past it). */
export const NOTE_VIEW_CHARS = 64 * 1024;

export interface BoardView {
	/** The log position shown: everything up to and including this sequence number. */
	readonly seq: number;
	readonly notes: readonly NoteView[];
}

/** Who made a change: a member, the anonymous lane (no author), or the server. */
export type ChangeAuthor = { readonly memberId: string; readonly name: string } | 'anonymous' | null;

export interface TimelineEntry {
	readonly seq: number;
	/** Null for changes of the anonymous lane: their time could point at their author. */
	readonly at: number | null;
	readonly lane: LaneKey;
	readonly by: ChangeAuthor;
}

/**
 * One step of a replay: what one log entry changed. Per changed note, a patch
 * from the note as it was before the step (a note new to the board: the whole
 * note), so a one-character edit of a long note costs a few bytes.
 */
export interface ReplayStep {
	readonly seq: number;
	readonly changed: readonly NotePatch[];
	readonly removed: readonly { readonly lane: LaneKey; readonly id: string }[];
}

export interface NotePatch {
	readonly lane: LaneKey;
	readonly id: string;
	readonly patch: Patch;
}

/**
 * One page of a replay: the board at the start (unless left out) and the steps
 * after it, up to `to`. A page ends at a number of steps or bytes, whichever
 * comes first; when `to` is before the position asked for, the next page starts there.
 */
export interface ReplayPage {
	readonly view: BoardView | null;
	readonly steps: readonly ReplayStep[];
	readonly to: number;
}

export interface NoteChange {
	readonly before: NoteView;
	readonly after: NoteView;
	/** Word diff of the text; empty when the text is the same. */
	readonly text: readonly ChangeObject<string>[];
	readonly moved: boolean;
	readonly recoloured: boolean;
}

export interface Comparison {
	readonly from: number;
	readonly to: number;
	readonly added: readonly NoteView[];
	readonly removed: readonly NoteView[];
	readonly changed: readonly NoteChange[];
	/** Notes that are in another lane now (same note, other place). */
	readonly movedLanes: readonly { readonly note: NoteView; readonly from: LaneKey; readonly to: LaneKey }[];
	/** Individual notes brought into the collective lane between the two moments. */
	readonly broughtIn: readonly { readonly collective: NoteView; readonly sources: readonly (NoteView | { readonly ref: CitationRef })[] }[];
}

const key = (n: { lane: LaneKey; id: string }) => `${n.lane}\u0000${n.id}`;

/** How a collective note cites this individual note (`lane:<member>:<note>`, `anon:<note>`); null for collective notes. */
export function citationOf(n: { lane: LaneKey; id: string }): CitationRef | null {
	if (n.lane === 'anonymous') return `anon:${n.id}`;
	const member = laneMember(n.lane);
	return member ? `lane:${member}:${n.id}` : null;
}

/** Applies replay steps to a view, in order. */
export function applySteps(view: BoardView, steps: readonly ReplayStep[]): BoardView {
	if (steps.length === 0) return view;
	const notes = new Map(view.notes.map((n) => [key(n), n]));
	for (const step of steps) {
		for (const r of step.removed) notes.delete(key(r));
		for (const n of step.changed) notes.set(key(n), applyPatch(notes.get(key(n)), n.patch) as NoteView);
	}
	return { seq: steps[steps.length - 1].seq, notes: [...notes.values()] };
}

/** What changed from one moment of a board to another. */
export function compareViews(a: BoardView, b: BoardView): Comparison {
	const before = new Map(a.notes.map((n) => [n.id, n]));
	const after = new Map(b.notes.map((n) => [n.id, n]));
	const added: NoteView[] = [];
	const removed: NoteView[] = [];
	const changed: NoteChange[] = [];
	const movedLanes: Comparison['movedLanes'][number][] = [];
	for (const n of b.notes) {
		const old = before.get(n.id);
		if (!old) {
			added.push(n);
			continue;
		}
		if (old.lane !== n.lane) movedLanes.push({ note: n, from: old.lane, to: n.lane });
		const text = old.text === n.text ? [] : diffWords(old.text, n.text);
		const moved = old.x !== n.x || old.y !== n.y || old.px !== n.px || old.py !== n.py;
		const recoloured = old.color !== n.color;
		if (text.length || moved || recoloured) changed.push({ before: old, after: n, text, moved, recoloured });
	}
	for (const n of a.notes) if (!after.has(n.id)) removed.push(n);

	const broughtIn: Comparison['broughtIn'][number][] = [];
	const individual = new Map<string, NoteView>();
	for (const n of [...a.notes, ...b.notes]) {
		const ref = citationOf(n);
		if (ref) individual.set(ref, n);
	}
	for (const n of b.notes) {
		if (n.lane !== 'collective') continue;
		const had = new Set(before.get(n.id)?.cites ?? []);
		const fresh = n.cites.filter((ref) => !had.has(ref));
		if (fresh.length) broughtIn.push({ collective: n, sources: fresh.map((ref) => individual.get(ref) ?? { ref }) });
	}
	return { from: a.seq, to: b.seq, added, removed, changed, movedLanes, broughtIn };
}
