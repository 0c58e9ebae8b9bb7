import { describe, expect, it } from 'vitest';
import {
	BUILTIN_FRAMEWORKS,
	DEFAULT_FRAMEWORK_ID,
	getBuiltinFramework,
	GOALS_ASPECT,
	type Aspect,
	type Localized
} from '#lib/domain/frameworks.ts';
import { isSlug } from '#lib/domain/ids.ts';
import { boardsOf } from '#lib/domain/practice.ts';

const filled = (text: Localized) => text.nl.trim().length > 0 && text.en.trim().length > 0;

describe('the default framework', () => {
	const framework = getBuiltinFramework(DEFAULT_FRAMEWORK_ID)!;

	it('is the conceptual framework for learning practices', () => {
		expect(framework).toBeDefined();
		expect(framework.id).toBe('lerende-praktijken');
		expect(BUILTIN_FRAMEWORKS[0]).toBe(framework);
	});

	it('has the seven aspects of Table 1, in order', () => {
		expect(framework.aspects.map((a) => a.name.nl)).toEqual([
			'Intentie',
			'Activiteit',
			'Normativiteit',
			'Context',
			'Space en place',
			'Actanten',
			'Outcome/waarde'
		]);
	});

	it.each(framework.aspects.map((a) => [a.name.nl, a] as const))('%s has questions in Dutch and English', (_, aspect) => {
		expect(aspect.questions.length).toBeGreaterThanOrEqual(1);
		for (const q of aspect.questions) expect(filled(q)).toBe(true);
		expect(filled(aspect.name)).toBe(true);
		expect(filled(aspect.explanation)).toBe(true);
	});

	it('has no poles (it is not a paradox framework)', () => {
		expect(framework.aspects.filter((a) => a.poles)).toEqual([]);
	});
});

describe('all built-in frameworks', () => {
	it('have unique slug ids and are found by id', () => {
		const ids = BUILTIN_FRAMEWORKS.map((f) => f.id);
		expect(new Set(ids).size).toBe(ids.length);
		for (const f of BUILTIN_FRAMEWORKS) {
			expect(isSlug(f.id)).toBe(true);
			expect(getBuiltinFramework(f.id)).toBe(f);
			expect(filled(f.name) && filled(f.description)).toBe(true);
		}
		expect(getBuiltinFramework('bestaat-niet')).toBeUndefined();
	});

	it.each(BUILTIN_FRAMEWORKS.map((f) => [f.id, f] as const))('%s: boards have valid, unique ids and bilingual texts', (_, f) => {
		const boards: readonly Aspect[] = boardsOf(f);
		const ids = boards.map((a) => a.id);
		// Board ids end up in document names, so they must be slugs and unique within a practice.
		for (const id of ids) expect(isSlug(id), id).toBe(true);
		expect(new Set(ids).size).toBe(ids.length);
		expect(ids.at(-1)).toBe('doelen');
		for (const aspect of boards) {
			expect(filled(aspect.name) && filled(aspect.explanation)).toBe(true);
			expect(aspect.questions.length).toBeGreaterThanOrEqual(1);
			for (const q of aspect.questions) expect(filled(q)).toBe(true);
		}
	});

	it('the paradox framework has two bilingual poles on every aspect', () => {
		const paradoxes = getBuiltinFramework('paradoxen')!;
		expect(paradoxes.aspects.length).toBe(4);
		for (const aspect of paradoxes.aspects) {
			expect(aspect.poles, aspect.id).toBeDefined();
			expect(filled(aspect.poles!.left) && filled(aspect.poles!.right)).toBe(true);
			expect(aspect.poles!.left.nl).not.toBe(aspect.poles!.right.nl);
		}
	});
});

describe('the goals board', () => {
	it("is 'doelen' with bilingual questions", () => {
		expect(GOALS_ASPECT.id).toBe('doelen');
		expect(isSlug(GOALS_ASPECT.id)).toBe(true);
		expect(GOALS_ASPECT.questions.length).toBeGreaterThanOrEqual(1);
		for (const q of GOALS_ASPECT.questions) expect(filled(q)).toBe(true);
		expect(GOALS_ASPECT.poles).toBeUndefined();
	});
});
