/**
 * docs/SPEC.md and the storage contract suites agree: every rule is checked by
 * at least one test that names it, every test names at least one rule, and
 * no test names a rule that is not in the specification.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', '..');
const read = (path: string) => readFileSync(join(root, path), 'utf8');

const SUITES = ['tests/integration/storage-log.contract.test.ts', 'tests/integration/storage-records.contract.test.ts'];
const RULE = /\b(?:LOG|REC)-\d+\b/g;

/** Rules as the specification defines them: `- **LOG-3** …`. */
function definedRules(spec: string): string[] {
	return [...spec.matchAll(/^- \*\*((?:LOG|REC)-\d+)\*\*/gm)].map((m) => m[1]);
}

/** The names of a file's tests: `it('…')`, `it.each(…)('…')`, any quote. */
function testNames(source: string): string[] {
	return [...source.matchAll(/\bit(?:\.each\([^)]*\))?\(\s*(['"`])((?:(?!\1)[^\\]|\\.)*)\1/g)].map((m) => m[2]);
}

describe('docs/SPEC.md and the storage contract suites', () => {
	const rules = definedRules(read('docs/SPEC.md'));
	const names = SUITES.flatMap((path) => testNames(read(path)).map((name) => ({ path, name })));

	it('the specification numbers its rules LOG-1… and REC-1… without gaps or repeats', () => {
		for (const prefix of ['LOG', 'REC']) {
			const numbers = rules.filter((r) => r.startsWith(`${prefix}-`)).map((r) => Number(r.slice(4)));
			expect(numbers.length).toBeGreaterThan(0);
			expect(numbers).toEqual(numbers.map((_, i) => i + 1));
		}
	});

	it('every rule is cited by a test', () => {
		const cited = new Set(names.flatMap(({ name }) => name.match(RULE) ?? []));
		expect(rules.filter((r) => !cited.has(r))).toEqual([]);
	});

	it('every contract test cites a rule, and only rules the specification has', () => {
		expect(names.length).toBeGreaterThan(20);
		expect(names.filter(({ name }) => !(name.match(RULE) ?? []).length)).toEqual([]);
		const known = new Set(rules);
		const unknown = names.flatMap(({ path, name }) => (name.match(RULE) ?? []).filter((r) => !known.has(r)).map((r) => `${path}: ${r}`));
		expect(unknown).toEqual([]);
	});
});
