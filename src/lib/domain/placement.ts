import RBush from 'rbush';
import { NOTE_GAP, NOTE_H, NOTE_W, maxX, type Point, type RegionKind } from './board-space.ts';

/**
 * Managed space in one region: where a new, revealed, moved-in or brought-in
 * note goes so that it covers nothing. An R-tree (rbush) answers "what is
 * here" in logarithmic time, so placing on a lane of thousands of notes does
 * not scan them. Places are slots of a grid (a note plus a gap), tried in
 * reading order, or nearest first around a related note. Deterministic: the
 * same notes give the same place on every replica and on the server.
 */
interface Entry {
	readonly minX: number;
	readonly minY: number;
	readonly maxX: number;
	readonly maxY: number;
	readonly id: string;
}

const PITCH_X = NOTE_W + NOTE_GAP;
const PITCH_Y = NOTE_H + NOTE_GAP;

const entry = (id: string, p: Point): Entry => ({ minX: p.x, minY: p.y, maxX: p.x + NOTE_W, maxY: p.y + NOTE_H, id });

export class Occupancy {
	private readonly tree = new RBush<Entry>();
	private readonly byId = new Map<string, Entry>();
	private readonly columns: number;
	/** Rows known to have no free slot: placement skips them (a removal forgets the rows it frees). */
	private readonly fullRows = new Set<number>();
	/** Rows above this one are known full (reading-order placement starts here). */
	private firstOpenRow = 0;

	readonly kind: RegionKind;

	constructor(kind: RegionKind, notes: readonly { readonly id: string; readonly x: number; readonly y: number }[] = []) {
		this.kind = kind;
		this.columns = Math.max(1, Math.floor((maxX(kind) - NOTE_GAP) / PITCH_X) + 1);
		const entries = notes.map((n) => entry(n.id, n));
		this.tree.load(entries);
		for (const e of entries) this.byId.set(e.id, e);
	}

	get size(): number {
		return this.byId.size;
	}

	/** The notes whose rectangles overlap a note at `p` (touching edges do not count), other than `except`. */
	overlapping(p: Point, except?: string): string[] {
		const hits = this.tree.search({ minX: p.x + 0.5, minY: p.y + 0.5, maxX: p.x + NOTE_W - 0.5, maxY: p.y + NOTE_H - 0.5 });
		return hits.filter((e) => e.id !== except).map((e) => e.id);
	}

	isFree(p: Point, except?: string): boolean {
		return this.overlapping(p, except).length === 0;
	}

	add(id: string, p: Point): void {
		this.remove(id);
		const e = entry(id, p);
		this.tree.insert(e);
		this.byId.set(id, e);
	}

	remove(id: string): void {
		const e = this.byId.get(id);
		if (!e) return;
		this.tree.remove(e);
		this.byId.delete(id);
		const [top, bottom] = [Math.max(0, Math.floor((e.minY - NOTE_H) / PITCH_Y)), Math.ceil(e.maxY / PITCH_Y)];
		for (let row = top; row <= bottom; row++) this.fullRows.delete(row);
		this.firstOpenRow = Math.min(this.firstOpenRow, top);
	}

	/** The first free slot of a row (columns in the order given), or null when the row is full. */
	private freeInRow(row: number, cols: readonly number[], except?: string): Point | null {
		if (this.fullRows.has(row)) return null;
		for (const col of cols) {
			const p = this.slot(col, row);
			if (this.isFree(p, except)) return p;
		}
		// Full even without `except`'s note, so full with it too.
		this.fullRows.add(row);
		return null;
	}

	private slot(col: number, row: number): Point {
		return { x: NOTE_GAP + col * PITCH_X, y: NOTE_GAP + row * PITCH_Y };
	}

	/**
	 * A free place: the first free slot in reading order, or with `near`, the
	 * free slot closest to it (rows nearest first, then columns). Does not
	 * record it: call `add` when the note is written there.
	 */
	place(options: { near?: Point; except?: string } = {}): Point {
		const { near, except } = options;
		if (!near) {
			const cols = [...Array(this.columns).keys()];
			for (let row = this.firstOpenRow; ; row++) {
				const p = this.freeInRow(row, cols, except);
				if (p) return p;
				if (row === this.firstOpenRow) this.firstOpenRow = row + 1;
			}
		}
		const nearRow = Math.max(0, Math.round((near.y - NOTE_GAP) / PITCH_Y));
		const cols = [...Array(this.columns).keys()].sort(
			(a, b) => Math.abs(this.slot(a, 0).x - near.x) - Math.abs(this.slot(b, 0).x - near.x) || a - b
		);
		for (let d = 0; ; d++) {
			for (const row of d === 0 ? [nearRow] : [nearRow + d, nearRow - d]) {
				if (row < 0) continue;
				const p = this.freeInRow(row, cols, except);
				if (p) return p;
			}
		}
	}

	/** Places and records one note; returns where it went. */
	placeAndAdd(id: string, options: { near?: Point } = {}): Point {
		const p = this.place({ ...options, except: id });
		this.add(id, p);
		return p;
	}
}

