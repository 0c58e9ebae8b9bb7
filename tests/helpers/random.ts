/**
 * A tiny seeded PRNG (mulberry32) and the few helpers the randomized tests
 * need, so that a failing seed replays the exact same run.
 */
export interface Random {
	readonly seed: number;
	/** A float in [0, 1). */
	next(): number;
	/** An integer in [min, max] (both inclusive). */
	int(min: number, max: number): number;
	bool(probability?: number): boolean;
	pick<T>(items: readonly T[]): T;
	/** A random id usable as a note or member id (16 characters of [A-Za-z0-9_-]). */
	id(length?: number): string;
	word(): string;
	shuffle<T>(items: T[]): T[];
}

export function mulberry32(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const WORDS = ['vlaai', 'koffie', 'buurt', 'leren', 'samen', 'waarom', 'ruimte', 'doel', 'wij', 'ja', 'ëën', '🐝'];

export function createRandom(seed: number): Random {
	const next = mulberry32(seed);
	const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
	return {
		seed,
		next,
		int,
		bool: (probability = 0.5) => next() < probability,
		pick<T>(items: readonly T[]): T {
			if (items.length === 0) throw new Error('pick from an empty list');
			return items[int(0, items.length - 1)];
		},
		id(length = 16) {
			let out = '';
			for (let i = 0; i < length; i++) out += ID_ALPHABET[int(0, 63)];
			return out;
		},
		word: () => WORDS[int(0, WORDS.length - 1)],
		shuffle<T>(items: T[]): T[] {
			for (let i = items.length - 1; i > 0; i--) {
				const j = int(0, i);
				[items[i], items[j]] = [items[j], items[i]];
			}
			return items;
		}
	};
}
