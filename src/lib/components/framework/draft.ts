import type { Aspect, Framework, Localized } from '#lib/domain/frameworks.ts';
import { FRAMEWORK_FORMAT, FRAMEWORK_VERSION, MAX_ASPECTS, parseFramework, type FileIssue, type FrameworkFile } from '#lib/domain/framework-file.ts';

/**
 * The editor's working copy of a framework: every text as typed (English may
 * be empty), each aspect with a key for Svelte and, for an aspect of a running
 * practice, the id of its board (kept, so a rename stays the same board).
 */
export interface DraftText {
	nl: string;
	en: string;
}
export interface DraftAspect {
	key: number;
	id: string | null;
	name: DraftText;
	explanation: DraftText;
	questions: DraftText[];
	axis: boolean;
	left: DraftText;
	right: DraftText;
}
export interface Draft {
	id: string | null;
	name: DraftText;
	description: DraftText;
	aspects: DraftAspect[];
}

let nextKey = 1;
const text = (l?: Localized): DraftText => ({ nl: l?.nl ?? '', en: l && l.en !== l.nl ? l.en : '' });

export function newAspect(): DraftAspect {
	return { key: nextKey++, id: null, name: text(), explanation: text(), questions: [text()], axis: false, left: text(), right: text() };
}

/** A draft of a framework; `keepIds` for a running practice (its boards), not when starting from a built-in one. */
export function draftOf(framework: Framework, keepIds: boolean): Draft {
	return {
		id: keepIds ? framework.id : null,
		name: text(framework.name),
		description: text(framework.description),
		aspects: framework.aspects.map((a) => aspectDraft(a, keepIds))
	};
}

/** An aspect as the editor holds it; with its id, it stays (or, archived, becomes again) the same board. */
export function aspectDraft(a: Aspect, keepId: boolean): DraftAspect {
	return {
		key: nextKey++,
		id: keepId ? a.id : null,
		name: text(a.name),
		explanation: text(a.explanation),
		questions: a.questions.map(text),
		axis: Boolean(a.poles),
		left: text(a.poles?.left),
		right: text(a.poles?.right)
	};
}

export const emptyDraft = (): Draft => ({ id: null, name: text(), description: text(), aspects: [newAspect()] });

const out = (t: DraftText): { nl: string; en?: string } => (t.en.trim() ? { nl: t.nl, en: t.en } : { nl: t.nl });

/** The draft as a file (docs/FRAMEWORKS.md): what is saved, sent and downloaded. */
export function fileOf(draft: Draft): FrameworkFile {
	return {
		format: FRAMEWORK_FORMAT,
		version: FRAMEWORK_VERSION,
		...(draft.id ? { id: draft.id } : {}),
		name: out(draft.name),
		description: out(draft.description),
		aspects: draft.aspects.map((a) => ({
			...(a.id ? { id: a.id } : {}),
			name: out(a.name),
			explanation: out(a.explanation),
			questions: a.questions.map(out),
			...(a.axis ? { poles: { left: out(a.left), right: out(a.right) } } : {})
		}))
	};
}

/** What is wrong with the draft now, by field path (`aspects[1].name.nl`). */
export function draftIssues(draft: Draft, taken: readonly string[] = []): readonly FileIssue[] {
	const result = parseFramework(JSON.parse(JSON.stringify(fileOf(draft))), taken);
	return result.ok ? [] : result.issues;
}

export { MAX_ASPECTS };

/** Downloads a file in the browser. */
export function download(name: string, file: FrameworkFile): void {
	const blob = new Blob([`${JSON.stringify(file, null, '\t')}\n`], { type: 'application/json' });
	const url = URL.createObjectURL(blob);
	const a = document.createElement('a');
	a.href = url;
	a.download = name;
	a.click();
	setTimeout(() => URL.revokeObjectURL(url), 1000);
}
