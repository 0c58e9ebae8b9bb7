import { isRandomId } from './ids.ts';
import { LEARNING_LOOPS, NOTES_KEY, isQuestionIndex, parseCitationRef } from './notes.ts';
import { isNoteColor } from './palette.ts';
import { VISIBILITIES } from './visibility.ts';
import { MAX_Y } from './board-space.ts';

/**
 * What a client may write into a lane document (collective, a member's lane,
 * a member's private notes): the shapes `notes.ts`, `visibility.ts` and the
 * editor (`src/lib/editor/extensions.ts`) produce, and nothing else. The
 * server checks every incoming update against this before it is applied
 * (server/extensions/schema.ts). Limits sit far above any honest note, so they
 * only stop abuse.
 */
export const SCHEMA_LIMITS = {
	/** Characters of text in one note (a long note is a few hundred). */
	// Above the note quota (server/extensions/quota.ts, about 64,000 characters), which an honest
	// client meets first and the board explains; this bound holds also where quotas are off.
	noteText: 100_000,
	/** Elements and text nodes in one note's rich text. */
	noteNodes: 5_000,
	/** Nesting of elements (lists in lists) in one note. */
	depth: 16,
	/** Citations of one collective note. */
	cites: 500,
	/** Characters of one element attribute or one mark's attributes (a link). */
	attribute: 2_048
} as const;

export type LaneKind = 'collective' | 'lane' | 'private';

/** The top-level types a lane document has: notes, and in the collective lane clusters (arrange.ts). */
export const ROOT_TYPES: readonly string[] = [NOTES_KEY, 'clusters'];
export const isRootType = (kind: LaneKind, name: string): boolean => name === NOTES_KEY || (kind === 'collective' && name === 'clusters');

/** Fields of a cluster in the collective lane's `clusters` map (arrange.ts). */
const CLUSTER_FIELDS: Record<string, (v: unknown) => boolean> = {
	name: (v) => typeof v === 'string' && v.length <= 80,
	x: (v) => typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= MAX_Y,
	y: (v) => typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= MAX_Y
};
export const isClusterField = (key: string, v: unknown): boolean => Object.hasOwn(CLUSTER_FIELDS, key) && CLUSTER_FIELDS[key](v);

/** A note's id in the `notes` map. */
export const isNoteKey = (key: string): boolean => isRandomId(key);

/** Set once, when the note is created, and never again (deleted only with the note). */
export const IDENTITY_FIELDS: readonly string[] = ['id', 'createdAt', 'createdBy'];

/** Fields of a note map: a plain value with its test, or a nested type. */
export type FieldRule =
	| { readonly kind: 'value'; readonly valid: (value: unknown) => boolean }
	| { readonly kind: 'type'; readonly type: 'xml-fragment' | 'array' };

const isFraction = (v: unknown) => typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 1;
const value = (valid: (v: unknown) => boolean): FieldRule => ({ kind: 'value', valid });

const NOTE_FIELDS: Record<string, FieldRule> = {
	// `id` must also equal the note's key, `createdBy` the writing member: checked by the server.
	id: value((v) => typeof v === 'string' && isRandomId(v)),
	color: value(isNoteColor),
	x: value(isFraction),
	y: value(isFraction),
	// Board units in the note's region (board-space.ts).
	px: value((v) => typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= MAX_Y),
	py: value((v) => typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= MAX_Y),
	// Placed automatically, not by a person since: settling may move it (src/lib/sync/settle.ts).
	auto: value((v) => v === true),
	// Any valid JavaScript time: a device's clock may be far off.
	createdAt: value((v) => typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 8.64e15),
	createdBy: value((v) => typeof v === 'string' && isRandomId(v)),
	loop: value((v) => LEARNING_LOOPS.includes(v as never)),
	// The dialogue question the note answers: an index into its aspect's questions (notes.ts).
	question: value(isQuestionIndex),
	content: { kind: 'type', type: 'xml-fragment' },
	cites: { kind: 'type', type: 'array' }
};

/** Extra fields of a note in a private document (see visibility.ts). */
const PRIVATE_FIELDS: Record<string, FieldRule> = {
	visibility: value((v) => v === 'private' || v === 'anonymous'),
	round: value((v) => typeof v === 'string' && isRandomId(v)),
	reveal: value((v) => VISIBILITIES.includes(v as never)),
	/** Shown with a name once: never mirrored (visibility.ts). */
	named: value((v) => v === true)
};

/** A collective note's affinity cluster (arrange.ts). */
const COLLECTIVE_FIELDS: Record<string, FieldRule> = {
	cluster: value((v) => typeof v === 'string' && isRandomId(v))
};

export function noteField(kind: LaneKind, key: string): FieldRule | null {
	if (Object.hasOwn(NOTE_FIELDS, key)) return NOTE_FIELDS[key];
	if (kind === 'collective' && Object.hasOwn(COLLECTIVE_FIELDS, key)) return COLLECTIVE_FIELDS[key];
	if (kind === 'private' && Object.hasOwn(PRIVATE_FIELDS, key)) return PRIVATE_FIELDS[key];
	return null;
}

/** A citation in a note's `cites` array. */
export const isCitation = (v: unknown): boolean => typeof v === 'string' && parseCitationRef(v) !== null;

/** Rich text: the editor's node names (as Y.XmlElement names) with the attributes each may carry. */
const ELEMENTS: Record<string, readonly string[]> = {
	paragraph: [],
	bulletList: [],
	orderedList: ['start', 'type'],
	listItem: [],
	hardBreak: []
};

/** Marks, stored as formatting attributes on Y.XmlText (value: the mark's attributes, or null to end it). */
const MARKS: Record<string, readonly string[]> = {
	bold: [],
	italic: [],
	strike: [],
	underline: [],
	link: ['href', 'target', 'rel', 'class', 'title']
};

export const ELEMENT_NAMES: readonly string[] = Object.keys(ELEMENTS);
export const MARK_NAMES: readonly string[] = Object.keys(MARKS);

export const isElementName = (name: string): boolean => Object.hasOwn(ELEMENTS, name);

const isSmallPrimitive = (v: unknown) =>
	v === null ||
	typeof v === 'boolean' ||
	(typeof v === 'number' && Number.isFinite(v)) ||
	(typeof v === 'string' && v.length <= SCHEMA_LIMITS.attribute);

export function isElementAttribute(element: string, key: string, v: unknown): boolean {
	return Object.hasOwn(ELEMENTS, element) && ELEMENTS[element].includes(key) && isSmallPrimitive(v);
}

/**
 * A formatting attribute. y-prosemirror names a mark that may overlap itself
 * `<mark>--<hash>`; its value is the mark's attributes, or null where it ends.
 */
export function isMarkFormat(key: string, v: unknown): boolean {
	const name = key.split('--')[0];
	if (!Object.hasOwn(MARKS, name) || key.length > 64) return false;
	if (v === null || v === true) return true;
	if (typeof v !== 'object' || Array.isArray(v)) return false;
	const entries = Object.entries(v as Record<string, unknown>);
	return (
		entries.every(([k, a]) => MARKS[name].includes(k) && isSmallPrimitive(a)) &&
		JSON.stringify(v).length <= SCHEMA_LIMITS.attribute
	);
}
