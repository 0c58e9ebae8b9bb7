import { afterEach, describe, expect, it } from 'vitest';
import { setLanguage } from '#lib/i18n/index.svelte.ts';
import { markLabel } from '#lib/history/labels.ts';
import { markNameOf } from '#lib/domain/framework-change.ts';
import { issueText } from '#lib/components/framework/issues.ts';

/** Framework marks and file problems in words, as the timeline and the editor say them. */
const aspect = (nl: string, en: string) => ({ name: { nl, en }, explanation: { nl: '', en: '' }, questions: [{ nl: 'Waar?', en: 'Where?' }] });
const mark = (name: string) => ({ id: 'm', kind: 'framework' as const, name, seq: 1, at: 1, meetingId: null, boardId: 'tempo' });

describe('framework words', () => {
	afterEach(() => setLanguage('nl'));

	it('names each framework change on the timeline, in the reader’s language', () => {
		setLanguage('nl');
		expect(markLabel(mark(markNameOf({ kind: 'renamed', boardId: 'tempo', before: aspect('Tempo', 'Pace'), after: aspect('Snelheid', 'Speed') })))).toBe('Kader: ‘Tempo’ heet nu ‘Snelheid’');
		expect(markLabel(mark(markNameOf({ kind: 'archived', boardId: 'tempo', before: aspect('Tempo', 'Pace'), after: null })))).toBe('Kader: ‘Tempo’ gearchiveerd');
		expect(markLabel(mark(markNameOf({ kind: 'added', boardId: 'tempo', before: null, after: aspect('Tempo', 'Pace') })))).toBe('Kader: bord ‘Tempo’ toegevoegd');
		expect(markLabel(mark('not json'))).toBe('Kader aangepast');
		setLanguage('en');
		expect(markLabel(mark(markNameOf({ kind: 'edited', boardId: 'tempo', before: aspect('Tempo', 'Pace'), after: aspect('Tempo', 'Pace') })))).toBe('Framework: questions or explanation of ‘Pace’ changed');
	});

	it('names the field of a file problem as people call it, with its path', () => {
		setLanguage('nl');
		expect(issueText({ path: 'aspects[1].questions[0].nl', problem: 'empty' })).toBe('Aspect 2, vraag 1 (Nederlands) mag niet leeg zijn (aspects[1].questions[0].nl)');
		expect(issueText({ path: 'aspects[2].poles.right', problem: 'missing' })).toBe('Aspect 3, polen, rechterpool ontbreekt (aspects[2].poles.right)');
		expect(issueText({ path: '', problem: 'not-json' })).toBe('Het bestand is geen JSON-bestand');
		expect(issueText({ path: 'version', problem: 'newer-version', detail: '2' })).toBe('Versie is 2: nieuwer dan deze Zwerm kan lezen (versie 1) (version)');
	});
});
