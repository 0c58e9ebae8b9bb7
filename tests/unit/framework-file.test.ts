import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BUILTIN_FRAMEWORKS, getBuiltinFramework } from '#lib/domain/frameworks.ts';
import {
	FRAMEWORK_FORMAT,
	frameworkFile,
	issuesInEnglish,
	MAX_ASPECTS,
	MAX_FILE_BYTES,
	parseFramework,
	parseFrameworkText,
	slugOf,
	type FileIssue
} from '#lib/domain/framework-file.ts';
import { aspectAt, changeFramework, markNameOf } from '#lib/domain/framework-change.ts';
import { allBoardsOf, boardsOf, findBoard, isArchived } from '#lib/domain/practice.ts';

const own = () => ({
	format: FRAMEWORK_FORMAT,
	version: 1,
	name: { nl: 'Ons kwaliteitskader' },
	aspects: [
		{ name: { nl: 'Vakmanschap', en: 'Craft' }, explanation: { nl: 'Wat we kunnen.' }, questions: [{ nl: 'Wat kunnen we al?' }] },
		{
			name: { nl: 'Tempo' },
			questions: [{ nl: 'Waar staan we?' }],
			poles: { left: { nl: 'Rust' }, right: { nl: 'Haast', en: 'Hurry' } }
		}
	]
});

const issues = (input: unknown): readonly FileIssue[] => {
	const result = parseFramework(input);
	if (result.ok) throw new Error('parsed');
	return result.issues;
};

describe('the framework file format', () => {
	it('reads a version 1 file: ids from the Dutch names, English falling back to Dutch', () => {
		const result = parseFramework(own());
		expect(result.ok).toBe(true);
		if (!result.ok) return;
		const f = result.framework;
		expect(f.id).toBe('ons-kwaliteitskader');
		expect(f.aspects.map((a) => a.id)).toEqual(['vakmanschap', 'tempo']);
		expect(f.aspects[0]!.name).toEqual({ nl: 'Vakmanschap', en: 'Craft' });
		expect(f.aspects[1]!.name).toEqual({ nl: 'Tempo', en: 'Tempo' });
		expect(f.aspects[1]!.explanation).toEqual({ nl: '', en: '' });
		expect(f.aspects[1]!.poles).toEqual({ left: { nl: 'Rust', en: 'Rust' }, right: { nl: 'Haast', en: 'Hurry' } });
		// The goals board stays.
		expect(boardsOf(f).map((a) => a.id)).toEqual(['vakmanschap', 'tempo', 'doelen']);
	});

	it.each(BUILTIN_FRAMEWORKS.map((f) => [f.id, f] as const))('%s round-trips through a file unchanged', (_, f) => {
		const text = JSON.stringify(frameworkFile(f));
		const back = parseFrameworkText(text);
		expect(back.ok && back.framework).toEqual(JSON.parse(JSON.stringify(f)));
	});

	it('an own framework round-trips, a second time to the very same file', () => {
		const first = parseFramework(own());
		if (!first.ok) throw new Error('no');
		const file = frameworkFile(first.framework);
		const second = parseFramework(JSON.parse(JSON.stringify(file)));
		expect(second.ok && second.framework).toEqual(first.framework);
		expect(second.ok && frameworkFile(second.framework)).toEqual(file);
	});

	it.each(BUILTIN_FRAMEWORKS.map((f) => [f.id, f] as const))('static/frameworks/%s.json is the built-in framework (npm run frameworks)', (id, f) => {
		const text = readFileSync(new URL(`../../static/frameworks/${id}.json`, import.meta.url), 'utf8');
		expect(JSON.parse(text)).toEqual(frameworkFile(f));
	});

	it('reads an old, version 0 file: the framework as a practice kept it before files', () => {
		const old = JSON.parse(JSON.stringify(getBuiltinFramework('paradoxen')));
		const result = parseFramework(old);
		expect(result.ok && result.version).toBe(0);
		expect(result.ok && result.framework).toEqual(old);
		// Version 0 needed English everywhere.
		delete old.aspects[0].name.en;
		expect(issues(old)).toEqual([{ path: 'aspects[0].name.en', problem: 'missing' }]);
	});

	const bad: [string, (f: ReturnType<typeof own> & Record<string, unknown>) => unknown, FileIssue[], string][] = [
		['not an object', () => [1, 2], [{ path: '', problem: 'wrong-type' }], 'file: has the wrong type'],
		['a newer version', (f) => ({ ...f, version: 2 }), [{ path: 'version', problem: 'newer-version', detail: '2' }], 'version: 2 is newer than this Zwerm reads (1)'],
		['a version that is no number', (f) => ({ ...f, version: '1' }), [{ path: 'version', problem: 'bad-version' }], 'version: must be 1'],
		['no version', (f) => ({ ...f, version: undefined }), [{ path: 'version', problem: 'missing' }], 'version: is missing'],
		['another format', (f) => ({ ...f, format: 'miro-template' }), [{ path: 'format', problem: 'bad-format' }], 'format: must be "zwerm-framework"'],
		['an empty aspect name', (f) => (f.aspects[1]!.name.nl = '  ', f), [{ path: 'aspects[1].name.nl', problem: 'empty' }], 'aspects[1].name.nl: must not be empty'],
		['a missing name', (f) => (delete (f as Record<string, unknown>).name, f), [{ path: 'name', problem: 'missing' }], 'name: is missing'],
		['a name of the wrong type', (f) => ({ ...f, name: 'Kader' }), [{ path: 'name', problem: 'wrong-type' }], 'name: has the wrong type'],
		['a too long question', (f) => (f.aspects[0]!.questions[0]!.nl = 'x'.repeat(301), f), [{ path: 'aspects[0].questions[0].nl', problem: 'too-long', detail: '300' }], 'is longer than 300 characters'],
		['no questions', (f) => (f.aspects[0]!.questions = [], f), [{ path: 'aspects[0].questions', problem: 'no-questions' }], 'needs at least one question'],
		['no aspects', (f) => ({ ...f, aspects: [] }), [{ path: 'aspects', problem: 'no-aspects' }], 'needs at least one aspect'],
		['too many aspects', (f) => ({ ...f, aspects: Array.from({ length: MAX_ASPECTS + 1 }, (_, i) => ({ name: { nl: `A${i}` }, questions: [{ nl: '?' }] })) }), [{ path: 'aspects', problem: 'too-many', detail: '12' }], 'has more than 12 entries'],
		['duplicate names', (f) => (f.aspects[1]!.name.nl = 'vakmanschap ', f), [{ path: 'aspects[1].name.nl', problem: 'duplicate-name', detail: '1' }], 'is the same as the name of aspect 1'],
		['duplicate ids', (f) => ((f.aspects[0] as Record<string, unknown>).id = 'x', (f.aspects[1] as Record<string, unknown>).id = 'x', f), [{ path: 'aspects[1].id', problem: 'duplicate-id', detail: '1' }], 'is the same as the id of aspect 1'],
		['a bad id', (f) => ((f.aspects[0] as Record<string, unknown>).id = 'Mijn Bord', f), [{ path: 'aspects[0].id', problem: 'bad-id' }], 'lower-case letters'],
		['the goals board id', (f) => ((f.aspects[0] as Record<string, unknown>).id = 'doelen', f), [{ path: 'aspects[0].id', problem: 'reserved-id' }], 'reserved for the goals board'],
		['an unknown field', (f) => ((f.aspects[0] as Record<string, unknown>).colour = 'red', f), [{ path: 'aspects[0].colour', problem: 'unknown-field', detail: 'colour' }], 'is not a field of this format'],
		['a control character', (f) => (f.aspects[0]!.name.nl = 'Vak\u0000', f), [{ path: 'aspects[0].name.nl', problem: 'control-character' }], 'contains a control character'],
		['one pole only', (f) => ((f.aspects[1] as Record<string, unknown>).poles = { left: { nl: 'Rust' } }, f), [{ path: 'aspects[1].poles.right', problem: 'missing' }], 'aspects[1].poles.right: is missing']
	];

	it.each(bad)('refuses %s, naming the field and what is wrong', (_, spoil, expected, english) => {
		const found = issues(spoil(own() as never));
		expect(found).toEqual(expected);
		expect(issuesInEnglish(found)).toContain(english);
	});

	it('refuses text that is no JSON, and a file that is too large, before reading it', () => {
		expect(parseFrameworkText('{ "format": ')).toEqual({ ok: false, issues: [{ path: '', problem: 'not-json' }] });
		const huge = JSON.stringify({ ...own(), description: { nl: 'x'.repeat(MAX_FILE_BYTES) } });
		expect(parseFrameworkText(huge)).toEqual({ ok: false, issues: [{ path: '', problem: 'too-large', detail: '64' }] });
	});

	it('makes slugs from names', () => {
		expect(slugOf('Coöperatie & Zorg')).toBe('cooperatie-zorg');
		expect(slugOf('12 ambities')).toBe('ambities');
		expect(slugOf('???')).toBe('aspect');
	});

	it('gives a new aspect an id no board of the practice had, not even an archived one', () => {
		const result = parseFramework(own(), ['vakmanschap']);
		expect(result.ok && result.framework.aspects.map((a) => a.id)).toEqual(['vakmanschap-2', 'tempo']);
		// A live board the file does not name by id is the aspect whose name gives its id.
		const again = parseFramework(own(), [], ['vakmanschap']);
		expect(again.ok && again.framework.aspects.map((a) => a.id)).toEqual(['vakmanschap', 'tempo']);
	});
});

describe('changing a running practice framework', () => {
	const start = parseFramework(own());
	if (!start.ok) throw new Error('no');
	const current = start.framework;
	const file = () => JSON.parse(JSON.stringify(frameworkFile(current)));

	it('adds, renames, edits, archives and restores boards by aspect id', () => {
		const next = file();
		next.aspects[0].name.nl = 'Vakkundigheid';
		next.aspects[1].questions.push({ nl: 'Wat maakt ons gehaast?' });
		next.aspects.push({ name: { nl: 'Samenwerking' }, questions: [{ nl: 'Met wie?' }] });
		const parsed = parseFramework(next);
		if (!parsed.ok) throw new Error('no');
		const a = changeFramework(current, parsed.framework, 1000);
		expect(a.changes.map((c) => [c.kind, c.boardId])).toEqual([
			['renamed', 'vakmanschap'],
			['edited', 'tempo'],
			['added', 'samenwerking']
		]);
		const without = { ...parsed.framework, aspects: parsed.framework.aspects.filter((x) => x.id !== 'tempo') };
		const b = changeFramework(a.framework, without, 2000);
		expect(b.changes.map((c) => [c.kind, c.boardId])).toEqual([['archived', 'tempo']]);
		expect(boardsOf(b.framework).map((x) => x.id)).toEqual(['vakmanschap', 'samenwerking', 'doelen']);
		expect(allBoardsOf(b.framework).map((x) => x.id)).toEqual(['vakmanschap', 'samenwerking', 'doelen', 'tempo']);
		expect(isArchived(b.framework, 'tempo')).toBe(true);
		expect(findBoard(b.framework, 'tempo')?.questions).toHaveLength(2);
		const c = changeFramework(b.framework, parsed.framework, 3000);
		expect(c.changes.map((x) => [x.kind, x.boardId])).toEqual([['restored', 'tempo']]);
		expect(c.framework.archived).toBeUndefined();
	});

	it('says which questions a board had at a moment, from its framework marks', () => {
		const edited = { ...current.aspects[1]!, questions: [{ nl: 'Nieuw?', en: 'New?' }] };
		const mark = { kind: 'framework', seq: 10, name: markNameOf({ kind: 'edited', boardId: 'tempo', before: current.aspects[1]!, after: edited }) };
		expect(aspectAt(edited, [mark], 5).questions).toEqual(current.aspects[1]!.questions);
		expect(aspectAt(edited, [mark], 10).questions).toEqual(current.aspects[1]!.questions);
		expect(aspectAt(edited, [mark], 11).questions).toEqual(edited.questions);
	});
});
