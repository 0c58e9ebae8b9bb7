import { z } from 'zod';
import { GOALS_ASPECT, type Aspect, type Framework, type Localized } from './frameworks.ts';
import { isSlug } from './ids.ts';

// This module runs in the browser too, under a CSP without 'unsafe-eval': zod's compiled parsers probe `new Function`,
// which the page reports as a violation even though zod catches it. Interpreted parsing is fast enough for a framework file.
z.config({ jitless: true });

/**
 * A framework as a file: a small, versioned JSON format (docs/FRAMEWORKS.md).
 * Facilitators write one in the editor, export a practice's framework as one
 * and import one into a new practice; scripts send one inline to
 * `POST /api/practices`. Every file is parsed strictly here: a bad file gets a
 * list of problems, each naming the field and what is wrong, and nothing else
 * happens.
 *
 * Version 1 (current):
 *   { format: 'zwerm-framework', version: 1, id?, name, description?,
 *     aspects: [{ id?, name, explanation, questions: [..], poles?: { left, right } }] }
 * where every text is `{ nl, en? }` (English falls back to Dutch).
 * Version 0 is the framework as Zwerm kept it inside a practice before files
 * existed (no `format`, no `version`, every text with `nl` and `en`); it is
 * read and written out as version 1.
 */

export const FRAMEWORK_FORMAT = 'zwerm-framework';
export const FRAMEWORK_VERSION = 1;
export const MAX_ASPECTS = 12;
export const MAX_QUESTIONS = 8;
/** An imported file larger than this is refused before it is parsed. */
export const MAX_FILE_BYTES = 64 * 1024;

export const LIMITS = { name: 80, frameworkName: 120, explanation: 800, question: 300, pole: 40, description: 800 } as const;

// Control characters have no place in a framework's text (NUL above all, which PostgreSQL refuses).
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f]/;

const text = (max: number) =>
	z
		.string({ error: 'wrong-type' })
		.trim()
		.min(1, { error: 'empty' })
		.max(max, { error: `too-long:${max}` })
		.refine((s) => !CONTROL.test(s), { error: 'control-character' });

const optionalText = (max: number) =>
	z
		.string({ error: 'wrong-type' })
		.trim()
		.max(max, { error: `too-long:${max}` })
		.refine((s) => !CONTROL.test(s), { error: 'control-character' });

const localized = (max: number) => z.strictObject({ nl: text(max), en: optionalText(max).optional() }, { error: 'wrong-type' });
const localizedOptional = (max: number) =>
	z.strictObject({ nl: optionalText(max), en: optionalText(max).optional() }, { error: 'wrong-type' });

const id = z
	.string({ error: 'wrong-type' })
	.refine(isSlug, { error: 'bad-id' })
	.refine((s) => s !== GOALS_ASPECT.id, { error: 'reserved-id' });

const AspectV1 = z.strictObject(
	{
		id: id.optional(),
		name: localized(LIMITS.name),
		explanation: localizedOptional(LIMITS.explanation).default({ nl: '' }),
		questions: z
			.array(localized(LIMITS.question), { error: 'wrong-type' })
			.min(1, { error: 'no-questions' })
			.max(MAX_QUESTIONS, { error: `too-many:${MAX_QUESTIONS}` }),
		poles: z.strictObject({ left: localized(LIMITS.pole), right: localized(LIMITS.pole) }, { error: 'wrong-type' }).optional()
	},
	{ error: 'wrong-type' }
);

const FileV1 = z.strictObject(
	{
		format: z.literal(FRAMEWORK_FORMAT, { error: 'bad-format' }),
		version: z.literal(FRAMEWORK_VERSION),
		id: id.optional(),
		name: localized(LIMITS.frameworkName),
		description: localizedOptional(LIMITS.description).default({ nl: '' }),
		aspects: z
			.array(AspectV1, { error: 'wrong-type' })
			.min(1, { error: 'no-aspects' })
			.max(MAX_ASPECTS, { error: `too-many:${MAX_ASPECTS}` })
	},
	{ error: 'wrong-type' }
);

/** Version 0: the framework object a practice kept before files had a version (English required, ids required). */
const full = (max: number) => z.strictObject({ nl: text(max), en: text(max) }, { error: 'wrong-type' });
const fullOptional = (max: number) => z.strictObject({ nl: optionalText(max), en: optionalText(max) }, { error: 'wrong-type' });
const FileV0 = z.strictObject(
	{
		id,
		name: full(LIMITS.frameworkName),
		description: fullOptional(LIMITS.description),
		aspects: z
			.array(
				z.strictObject(
					{
						id,
						name: full(LIMITS.name),
						explanation: fullOptional(LIMITS.explanation),
						questions: z.array(full(LIMITS.question), { error: 'wrong-type' }).min(1, { error: 'no-questions' }).max(MAX_QUESTIONS, { error: `too-many:${MAX_QUESTIONS}` }),
						poles: z.strictObject({ left: full(LIMITS.pole), right: full(LIMITS.pole) }, { error: 'wrong-type' }).optional()
					},
					{ error: 'wrong-type' }
				),
				{ error: 'wrong-type' }
			)
			.min(1, { error: 'no-aspects' })
			.max(MAX_ASPECTS, { error: `too-many:${MAX_ASPECTS}` })
	},
	{ error: 'wrong-type' }
);

/** The file as written: version 1. */
export type FrameworkFile = z.input<typeof FileV1>;

/** What is wrong, as a code the catalogues word (`frameworkFile.problems.<code>`), with its field. */
export type Problem =
	| 'not-json'
	| 'too-large'
	| 'missing'
	| 'wrong-type'
	| 'empty'
	| 'too-long'
	| 'too-many'
	| 'no-aspects'
	| 'no-questions'
	| 'unknown-field'
	| 'bad-id'
	| 'reserved-id'
	| 'duplicate-name'
	| 'duplicate-id'
	| 'control-character'
	| 'bad-format'
	| 'newer-version'
	| 'bad-version';

export interface FileIssue {
	/** Where: `aspects[2].name.nl`; empty for the file as a whole. */
	readonly path: string;
	readonly problem: Problem;
	/** The limit broken (`too-long`, `too-many`), the field (`unknown-field`) or the version found (`newer-version`). */
	readonly detail?: string;
}

export type ParseResult = { readonly ok: true; readonly framework: Framework; readonly version: number } | { readonly ok: false; readonly issues: readonly FileIssue[] };

const pathText = (path: readonly PropertyKey[]): string =>
	path.reduce<string>((out, key) => (typeof key === 'number' ? `${out}[${key}]` : out ? `${out}.${String(key)}` : String(key)), '');

const valueAt = (input: unknown, path: readonly PropertyKey[]): unknown =>
	path.reduce<unknown>((v, k) => (v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[k] : undefined), input);

function issuesOf(error: z.ZodError, input: unknown): FileIssue[] {
	const out: FileIssue[] = [];
	for (const issue of error.issues) {
		const path = pathText(issue.path);
		if (issue.code === 'unrecognized_keys') {
			for (const key of issue.keys) out.push({ path: path ? `${path}.${key}` : key, problem: 'unknown-field', detail: key });
			continue;
		}
		if (issue.code === 'invalid_type' && valueAt(input, issue.path) === undefined) {
			out.push({ path, problem: 'missing' });
			continue;
		}
		const [code, detail] = issue.message.split(':') as [string, string | undefined];
		const known: readonly Problem[] = ['wrong-type', 'empty', 'too-long', 'too-many', 'no-aspects', 'no-questions', 'bad-id', 'reserved-id', 'control-character', 'bad-format'];
		out.push({ path, problem: known.includes(code as Problem) ? (code as Problem) : 'wrong-type', ...(detail ? { detail } : {}) });
	}
	return out;
}

/** A slug from a name: lower case, accents gone, words joined by hyphens; `fallback` when nothing is left. */
export function slugOf(name: string, fallback = 'aspect'): string {
	const slug = name
		.normalize('NFKD')
		.replace(/[\u0300-\u036f]/g, '')
		.toLowerCase()
		.replace(/[^a-z0-9]+/g, '-')
		.replace(/^-+|-+$/g, '')
		.replace(/^[^a-z]+/, '')
		.slice(0, 40)
		.replace(/-+$/, '');
	return slug || fallback;
}

const loc = (t: { nl: string; en?: string | undefined }): Localized => ({ nl: t.nl, en: t.en?.trim() ? t.en : t.nl });
const key = (name: string) => name.normalize('NFKC').trim().toLocaleLowerCase('nl');

/** The checks zod cannot make on one field: unique names and ids. */
function crossIssues(aspects: readonly { id?: string | undefined; name: { nl: string; en?: string | undefined } }[]): FileIssue[] {
	const out: FileIssue[] = [];
	const names = new Map<string, number>();
	const ids = new Map<string, number>();
	aspects.forEach((a, i) => {
		for (const lang of ['nl', 'en'] as const) {
			const n = a.name[lang];
			if (!n?.trim()) continue;
			const seen = names.get(`${lang}:${key(n)}`);
			if (seen !== undefined && seen !== i) out.push({ path: `aspects[${i}].name.${lang}`, problem: 'duplicate-name', detail: String(seen + 1) });
			else names.set(`${lang}:${key(n)}`, i);
		}
		if (a.id) {
			const seen = ids.get(a.id);
			if (seen !== undefined) out.push({ path: `aspects[${i}].id`, problem: 'duplicate-id', detail: String(seen + 1) });
			else ids.set(a.id, i);
		}
	});
	return out;
}

/** The aspects of a file that did not parse, as far as names and ids go: so a duplicate is named along with the rest. */
function looseAspects(aspects: unknown): { id?: string; name: { nl: string; en?: string } }[] {
	if (!Array.isArray(aspects)) return [];
	return aspects.map((a: unknown) => {
		const o = (a && typeof a === 'object' ? a : {}) as { id?: unknown; name?: { nl?: unknown; en?: unknown } };
		const text = (v: unknown) => (typeof v === 'string' ? v : '');
		return { ...(typeof o.id === 'string' && isSlug(o.id) ? { id: o.id } : {}), name: { nl: text(o.name?.nl), en: text(o.name?.en) } };
	});
}

/** Ids for aspects that have none: from the Dutch name, unique among the others (and the goals board). */
function withIds(aspects: readonly { id?: string | undefined; name: { nl: string } }[], taken: readonly string[] = [], live: readonly string[] = []): string[] {
	const explicit = new Set(aspects.flatMap((a) => (a.id ? [a.id] : [])));
	const used = new Set<string>([GOALS_ASPECT.id, ...taken, ...explicit]);
	// A live board the file does not name by id is the aspect without id whose name gives its id (a script sending the same file twice).
	const free = new Set(live.filter((id) => !explicit.has(id)));
	return aspects.map((a) => {
		if (a.id) return a.id;
		const base = slugOf(a.name.nl).slice(0, 36);
		if (free.delete(base)) return base;
		let idText = base;
		for (let n = 2; used.has(idText); n++) idText = `${base}-${n}`;
		used.add(idText);
		return idText;
	});
}

/**
 * Parses a framework file (already decoded JSON). For a running practice,
 * `taken` are the ids of its archived boards (a new aspect without an id never
 * gets one: restoring takes the id, explicitly) and `live` those of its boards
 * now (an aspect without an id whose name gives one of them is that board).
 */
export function parseFramework(input: unknown, taken: readonly string[] = [], live: readonly string[] = []): ParseResult {
	if (input === null || typeof input !== 'object' || Array.isArray(input)) return { ok: false, issues: [{ path: '', problem: 'wrong-type' }] };
	const raw = input as Record<string, unknown>;
	if (!('format' in raw) && !('version' in raw)) {
		const v0 = FileV0.safeParse(raw);
		if (!v0.success) return { ok: false, issues: issuesOf(v0.error, raw) };
		const cross = crossIssues(v0.data.aspects);
		if (cross.length) return { ok: false, issues: cross };
		return { ok: true, version: 0, framework: { ...v0.data, aspects: v0.data.aspects.map((a) => ({ ...a })) } };
	}
	if (typeof raw.version === 'number' && Number.isInteger(raw.version) && raw.version > FRAMEWORK_VERSION) {
		return { ok: false, issues: [{ path: 'version', problem: 'newer-version', detail: String(raw.version) }] };
	}
	if (raw.version !== FRAMEWORK_VERSION) return { ok: false, issues: [{ path: 'version', problem: raw.version === undefined ? 'missing' : 'bad-version' }] };
	const v1 = FileV1.safeParse(raw);
	if (!v1.success) return { ok: false, issues: [...issuesOf(v1.error, raw), ...crossIssues(looseAspects(raw.aspects))] };
	const file = v1.data;
	const cross = crossIssues(file.aspects);
	if (cross.length) return { ok: false, issues: cross };
	const ids = withIds(file.aspects, taken, live);
	const framework: Framework = {
		id: file.id ?? slugOf(file.name.nl, 'eigen-kader'),
		name: loc(file.name),
		description: loc(file.description),
		aspects: file.aspects.map(
			(a, i): Aspect => ({
				id: ids[i]!,
				name: loc(a.name),
				explanation: loc(a.explanation),
				questions: a.questions.map(loc),
				...(a.poles ? { poles: { left: loc(a.poles.left), right: loc(a.poles.right) } } : {})
			})
		)
	};
	return { ok: true, version: FRAMEWORK_VERSION, framework };
}

/** Parses a file's text: its size first, then JSON, then the format. */
export function parseFrameworkText(textIn: string): ParseResult {
	if (new TextEncoder().encode(textIn).length > MAX_FILE_BYTES) return { ok: false, issues: [{ path: '', problem: 'too-large', detail: String(MAX_FILE_BYTES / 1024) }] };
	let json: unknown;
	try {
		json = JSON.parse(textIn);
	} catch {
		return { ok: false, issues: [{ path: '', problem: 'not-json' }] };
	}
	return parseFramework(json);
}

/** English is written only where it differs from Dutch (it falls back to Dutch when read). */
const out = (t: Localized): { nl: string; en?: string } => (t.en && t.en !== t.nl ? { nl: t.nl, en: t.en } : { nl: t.nl });

/** A framework as a version 1 file (archived aspects are a practice's history, not part of the file). */
export function frameworkFile(framework: Framework): FrameworkFile {
	return {
		format: FRAMEWORK_FORMAT,
		version: FRAMEWORK_VERSION,
		id: framework.id,
		name: out(framework.name),
		description: out(framework.description),
		aspects: framework.aspects.map((a) => ({
			id: a.id,
			name: out(a.name),
			explanation: out(a.explanation),
			questions: a.questions.map(out),
			...(a.poles ? { poles: { left: out(a.poles.left), right: out(a.poles.right) } } : {})
		}))
	};
}

/** The same issues as one English line for the HTTP API: `aspects[2].name.nl: must not be empty`. */
export function issuesInEnglish(issues: readonly FileIssue[]): string {
	const words: Record<Problem, (d?: string) => string> = {
		'not-json': () => 'the file is not JSON',
		'too-large': (d) => `the file is larger than ${d} KB`,
		missing: () => 'is missing',
		'wrong-type': () => 'has the wrong type',
		empty: () => 'must not be empty',
		'too-long': (d) => `is longer than ${d} characters`,
		'too-many': (d) => `has more than ${d} entries`,
		'no-aspects': () => 'needs at least one aspect',
		'no-questions': () => 'needs at least one question',
		'unknown-field': () => 'is not a field of this format',
		'bad-id': () => 'must be lower-case letters, digits and hyphens, starting with a letter (at most 40)',
		'reserved-id': () => `is reserved for the goals board ("${GOALS_ASPECT.id}")`,
		'duplicate-name': (d) => `is the same as the name of aspect ${d}`,
		'duplicate-id': (d) => `is the same as the id of aspect ${d}`,
		'control-character': () => 'contains a control character',
		'bad-format': () => `must be "${FRAMEWORK_FORMAT}"`,
		'newer-version': (d) => `${d} is newer than this Zwerm reads (${FRAMEWORK_VERSION})`,
		'bad-version': () => `must be ${FRAMEWORK_VERSION}`
	};
	return issues.map((i) => `${i.path || 'file'}: ${words[i.problem](i.detail)}`).join('; ');
}

/** The error a service throws for a bad framework: the issues kept for the caller. */
export class FrameworkFileError extends Error {
	readonly issues: readonly FileIssue[];
	constructor(issues: readonly FileIssue[]) {
		super(issuesInEnglish(issues));
		this.issues = issues;
	}
}
