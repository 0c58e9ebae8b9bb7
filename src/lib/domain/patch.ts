/**
 * What changed between two JSON values, small enough to send per replay step:
 * a note edited by one character costs a few bytes, not the whole note.
 *
 * Hand-written rather than a JSON-patch library: those replace a changed
 * string whole (RFC 6902) or diff text and arrays with LCS, which is quadratic
 * on hostile input. Here strings and arrays keep their common start and end
 * (linear), which is exactly what typing, moving and recolouring produce.
 */
export type Patch =
	/** The new value, whole. */
	| { readonly v: unknown }
	/** A string: at index, remove this many characters, insert this text. */
	| { readonly s: readonly [number, number, string] }
	/** An array: at index, remove this many elements, insert these. */
	| { readonly a: readonly [number, number, readonly unknown[]] }
	/** An array: the element at `i` changed by `p`. */
	| { readonly i: number; readonly p: Patch }
	/** An object: these fields changed (or are new), and these were removed. */
	| { readonly o: Readonly<Record<string, Patch>>; readonly d?: readonly string[] };

type Obj = Record<string, unknown>;
const isObject = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);

export function deepEqual(a: unknown, b: unknown): boolean {
	if (a === b) return true;
	if (Array.isArray(a)) {
		if (!Array.isArray(b) || a.length !== b.length) return false;
		for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], b[i])) return false;
		return true;
	}
	if (isObject(a) && isObject(b)) {
		const keys = Object.keys(a).filter((k) => a[k] !== undefined);
		if (keys.length !== Object.keys(b).filter((k) => b[k] !== undefined).length) return false;
		return keys.every((k) => deepEqual(a[k], b[k]));
	}
	return false;
}

/** The patch that turns `a` into `b`; null when they are equal. */
export function diff(a: unknown, b: unknown): Patch | null {
	if (a === b) return null;
	if (typeof a === 'string' && typeof b === 'string') {
		const [start, endA, endB] = ends(a.length, b.length, (i, j) => a.charCodeAt(i) === b.charCodeAt(j));
		return { s: [start, endA - start, b.slice(start, endB)] };
	}
	if (Array.isArray(a) && Array.isArray(b)) {
		const [start, endA, endB] = ends(a.length, b.length, (i, j) => deepEqual(a[i], b[j]));
		if (start === endA && start === endB) return null;
		if (endA - start === 1 && endB - start === 1) {
			const inner = diff(a[start], b[start]);
			if (inner && !('v' in inner)) return { i: start, p: inner };
		}
		return { a: [start, endA - start, b.slice(start, endB)] };
	}
	if (isObject(a) && isObject(b)) {
		const o: Record<string, Patch> = {};
		const d: string[] = [];
		for (const [k, v] of Object.entries(b)) {
			if (v === undefined) continue;
			const p = k in a && a[k] !== undefined ? diff(a[k], v) : { v };
			if (p) o[k] = p;
		}
		for (const k of Object.keys(a)) if (a[k] !== undefined && (!(k in b) || b[k] === undefined)) d.push(k);
		if (Object.keys(o).length === 0 && d.length === 0) return null;
		return d.length ? { o, d } : { o };
	}
	return deepEqual(a, b) ? null : { v: b };
}

/** `a` with `patch` applied; `a` itself is left as it was. */
export function applyPatch(a: unknown, patch: Patch): unknown {
	if ('v' in patch) return patch.v;
	if ('s' in patch) {
		if (typeof a !== 'string') throw new PatchError('string');
		const [at, remove, insert] = patch.s;
		return a.slice(0, at) + insert + a.slice(at + remove);
	}
	if ('a' in patch) {
		if (!Array.isArray(a)) throw new PatchError('array');
		const [at, remove, insert] = patch.a;
		return [...a.slice(0, at), ...insert, ...a.slice(at + remove)];
	}
	if ('i' in patch) {
		if (!Array.isArray(a) || patch.i >= a.length) throw new PatchError('array');
		const out = [...a];
		out[patch.i] = applyPatch(a[patch.i], patch.p);
		return out;
	}
	if (!isObject(a)) throw new PatchError('object');
	const out: Obj = { ...a };
	for (const [k, p] of Object.entries(patch.o)) out[k] = applyPatch(a[k], p);
	for (const k of patch.d ?? []) delete out[k];
	return out;
}

export class PatchError extends Error {
	constructor(expected: string) {
		super(`A replay step does not fit the board it is applied to (expected ${expected}).`);
	}
}

/** Common start, and where the common end begins in each of two sequences. */
function ends(la: number, lb: number, same: (i: number, j: number) => boolean): [number, number, number] {
	let start = 0;
	const max = Math.min(la, lb);
	while (start < max && same(start, start)) start++;
	let endA = la;
	let endB = lb;
	while (endA > start && endB > start && same(endA - 1, endB - 1)) {
		endA--;
		endB--;
	}
	return [start, endA, endB];
}
