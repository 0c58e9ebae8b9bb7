import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { getSchema } from '@tiptap/core';
import { Node as PMNode } from '@tiptap/pm/model';
import { updateYFragment } from '@tiptap/y-tiptap';
import { noteExtensions } from '#lib/editor/extensions.ts';
import { checkUpdate, type Writer } from '#server/schema-check.ts';
import { ELEMENT_NAMES, MARK_NAMES, SCHEMA_LIMITS, isElementAttribute, isMarkFormat } from '#lib/domain/schema.ts';
import {
	bringIn,
	createNote,
	deleteNote,
	moveNote,
	placeNote,
	noteContent,
	notesMap,
	removeCitation,
	setNoteColor,
	setNoteLoop,
	setPlainText,
	transferNote,
	citationRef
} from '#lib/domain/notes.ts';
import { anonymousCopy, changeVisibility, setAnonymous, setRound } from '#lib/domain/visibility.ts';
import type { MemberId, NoteId } from '#lib/domain/ids.ts';

const me = 'Member-me-000001' as MemberId;
const other = 'Member-other-001' as MemberId;
const schema = getSchema(noteExtensions());

/**
 * A client document and the server's copy of it: every update the client
 * makes is checked as the server would, then applied to the server's copy.
 */
function pair(kind: Writer['kind']) {
	const server = new Y.Doc();
	const client = new Y.Doc();
	const refused: string[] = [];
	client.on('update', (update: Uint8Array) => {
		const problem = checkUpdate(server, update, { kind, memberId: me });
		if (problem) refused.push(problem);
		else Y.applyUpdate(server, update);
	});
	return { server, client, refused };
}

/** What Tiptap's collaboration binding writes when the editor holds `json`. */
function edit(doc: Y.Doc, id: NoteId, json: unknown) {
	const meta = { mapping: new Map(), isOMark: new Map() };
	updateYFragment(doc, noteContent(doc, id), PMNode.fromJSON(schema, json), meta);
}

const p = (...content: unknown[]) => ({ type: 'paragraph', content });
const text = (t: string, ...marks: unknown[]) => ({ type: 'text', text: t, ...(marks.length ? { marks } : {}) });
const rich = {
	type: 'doc',
	content: [
		p(text('vet', { type: 'bold' }), text(' schuin', { type: 'italic' }), text(' door', { type: 'strike' }), text(' onder', { type: 'underline' })),
		p(text('een link', { type: 'link', attrs: { href: 'https://example.org', target: '_blank', rel: 'noopener noreferrer nofollow', class: null, title: null } })),
		p(text('regel'), { type: 'hardBreak' }, text('volgende')),
		{
			type: 'bulletList',
			content: [{ type: 'listItem', content: [p(text('punt')), { type: 'orderedList', attrs: { start: 3, type: null }, content: [{ type: 'listItem', content: [p(text('drie'))] }] }] }]
		}
	]
};

describe('the lane schema accepts what honest clients write', () => {
	it('matches the editor: every node, mark and attribute Tiptap can produce is allowed', () => {
		for (const [name, type] of Object.entries(schema.nodes)) {
			if (name === 'doc' || name === 'text') continue;
			expect(ELEMENT_NAMES).toContain(name);
			for (const attr of Object.keys(type.spec.attrs ?? {})) expect(isElementAttribute(name, attr, 1)).toBe(true);
		}
		for (const [name, type] of Object.entries(schema.marks)) {
			expect(MARK_NAMES).toContain(name);
			const attrs = Object.fromEntries(Object.keys(type.spec.attrs ?? {}).map((a) => [a, 'x']));
			expect(isMarkFormat(name, attrs)).toBe(true);
		}
	});

	it('accepts every change the domain functions and the editor make on the collective lane', () => {
		const { client, refused } = pair('collective');
		const lane = new Y.Doc();
		const source = createNote(lane, { createdBy: me, at: 1, text: 'mijn idee' });
		const id = createNote(client, { createdBy: me, at: Date.now(), text: 'eerste\ntweede', loop: 'hoe' });
		moveNote(client, id, 0.2, 0.9);
		placeNote(client, id, { x: 500, y: 1200 }, 'collective');
		createNote(client, { createdBy: me, at: 1, text: 'op zijn plek', place: { x: 16, y: 16, kind: 'collective' } });
		setNoteColor(client, id, 'blue');
		setNoteLoop(client, id, 'waartoe');
		setNoteLoop(client, id, null);
		for (let i = 1; i <= 12; i++) edit(client, id, { type: 'doc', content: [p(text('getypt'.repeat(i).slice(0, i)))] });
		edit(client, id, rich);
		edit(client, id, { type: 'doc', content: [p(text('korter'))] });
		setPlainText(noteContent(client, id), 'vervangen');
		const brought = bringIn(client, { doc: lane, memberId: other, noteId: source }, { createdBy: me, at: 2 });
		bringIn(client, { doc: lane, memberId: me, noteId: source }, { createdBy: me, at: 3, into: brought });
		removeCitation(client, brought, citationRef(other, source));
		// Moving a note out of the collective lane and back keeps its id.
		const moved = transferNote(client, lane, id, { createdBy: me, at: 4 });
		transferNote(lane, client, moved, { createdBy: me, at: 5 });
		deleteNote(client, brought);
		expect(refused).toEqual([]);
	});

	it('accepts visibility changes, rounds and transfers in a private document', () => {
		const priv = pair('private');
		const shared = pair('lane');
		const id = createNote(priv.client, { createdBy: me, at: 1, text: 'privé' });
		setRound(priv.client, id, 'Round-00000001', 'anonymous');
		setRound(priv.client, id, null, 'shared');
		setAnonymous(priv.client, id, true);
		const sharedId = changeVisibility({ private: priv.client, shared: shared.client }, 'private', id, 'shared', { createdBy: me, at: 2 });
		// Shared, then private again: marked as shown with a name; its anonymous copy is a new note.
		const unshared = changeVisibility({ private: priv.client, shared: shared.client }, 'shared', sharedId, 'private', { createdBy: me, at: 3 });
		anonymousCopy({ private: priv.client, source: priv.client }, unshared, { createdBy: me, at: 4 });
		expect([...priv.refused, ...shared.refused]).toEqual([]);
	});

	it('accepts an offline session sent at once, and a full state the server partly has', () => {
		const server = new Y.Doc();
		const online = new Y.Doc();
		const first = createNote(online, { createdBy: me, at: 1, text: 'online' });
		Y.applyUpdate(server, Y.encodeStateAsUpdate(online));
		const offline = new Y.Doc();
		Y.applyUpdate(offline, Y.encodeStateAsUpdate(server));
		for (let i = 0; i < 50; i++) {
			const id = createNote(offline, { createdBy: me, at: i, text: `offline ${i}` });
			moveNote(offline, id, i / 50, 0.5);
			if (i % 3 === 0) deleteNote(offline, id);
		}
		edit(offline, first, rich);
		const writer = { kind: 'collective', memberId: me } as const;
		expect(checkUpdate(server, Y.encodeStateAsUpdate(offline, Y.encodeStateVector(server)), writer)).toBeNull();
		expect(checkUpdate(server, Y.encodeStateAsUpdate(offline), writer)).toBeNull();
	});
});

/** A note map with exactly these fields. */
function forged(fields: Record<string, unknown>): Y.Map<unknown> {
	return new Y.Map(Object.entries(fields));
}

describe('the lane schema refuses what no honest client writes', () => {
	const writer = { kind: 'collective', memberId: me } as const;
	/** The update `change` makes to a document the server already holds with one honest note. */
	function attempt(change: (doc: Y.Doc, existing: NoteId) => void, kind: Writer['kind'] = 'collective') {
		const server = new Y.Doc();
		const existing = createNote(server, { createdBy: other, at: 1, text: 'van een ander' });
		const client = new Y.Doc();
		Y.applyUpdate(client, Y.encodeStateAsUpdate(server));
		const before = Y.encodeStateVector(client);
		change(client, existing);
		return checkUpdate(server, Y.encodeStateAsUpdate(client, before), { ...writer, kind });
	}

	it.each([
		['a note in another member’s name', (d: Y.Doc) => createNote(d, { createdBy: other, at: 1 }), /createdBy must be the member/],
		['a note without author', (d: Y.Doc) => createNote(d, { createdBy: null, at: 1 }), /createdBy/],
		['an unknown top-level type', (d: Y.Doc) => d.getMap('votes').set('x', 1), /unknown top-level type "votes"/],
		['an unknown note field', (d: Y.Doc, e: NoteId) => notesMap(d).get(e)!.set('score', 99), /unknown note field "score"/],
		['a wrong-typed field', (d: Y.Doc, e: NoteId) => notesMap(d).get(e)!.set('x', 'links'), /field x of the wrong type/],
		['a field out of range', (d: Y.Doc, e: NoteId) => notesMap(d).get(e)!.set('y', 1e9), /field y/],
		['an unknown colour', (d: Y.Doc, e: NoteId) => notesMap(d).get(e)!.set('color', 'url(x)'), /field color/],
		['createdBy changed later', (d: Y.Doc, e: NoteId) => notesMap(d).get(e)!.set('createdBy', me), /createdBy of an existing note cannot change/],
		['createdAt changed later', (d: Y.Doc, e: NoteId) => notesMap(d).get(e)!.set('createdAt', 5), /createdAt of an existing note/],
		['createdBy deleted', (d: Y.Doc, e: NoteId) => notesMap(d).get(e)!.delete('createdBy'), /createdBy of a note cannot be deleted/],
		['a note under a key that is no id', (d: Y.Doc) => notesMap(d).set('<img>', new Y.Map()), /note key/],
		['a note id that is not its key', (d: Y.Doc) => notesMap(d).set('Key-aaaaaaaaaa01', forged({ id: 'Other-id-000001', createdAt: 1, createdBy: me })), /differs from its key/],
		['a new note without its author', (d: Y.Doc) => notesMap(d).set('Key-aaaaaaaaaa01', forged({ id: 'Key-aaaaaaaaaa01', createdAt: 1 })), /without its id, createdAt and createdBy/],
		['a private field in a shared lane', (d: Y.Doc, e: NoteId) => notesMap(d).get(e)!.set('visibility', 'anonymous'), /unknown note field "visibility"/],
		['an unknown element', (d: Y.Doc, e: NoteId) => noteContent(d, e).insert(0, [new Y.XmlElement('script')]), /unknown rich-text element "script"/],
		['an unknown mark', (d: Y.Doc, e: NoteId) => ((noteContent(d, e).get(0) as Y.XmlElement).get(0) as Y.XmlText).format(0, 3, { onclick: 'x' }), /unknown mark "onclick"/],
		['an unknown attribute', (d: Y.Doc, e: NoteId) => (noteContent(d, e).get(0) as Y.XmlElement).setAttribute('style', 'x'), /unknown attribute "style"/],
		['a text too long', (d: Y.Doc, e: NoteId) => setPlainText(noteContent(d, e), 'x'.repeat(SCHEMA_LIMITS.noteText + 1)), /longer than 100000/],
		['a bad citation', (d: Y.Doc, e: NoteId) => (notesMap(d).get(e)!.get('cites') as Y.Array<string>).push(['javascript:alert(1)']), /citation/]
	])('%s', (_, change, reason) => {
		expect(attempt(change as (d: Y.Doc, e: NoteId) => void)).toMatch(reason);
	});

	it('accepts the private fields in a private document', () => {
		expect(attempt((d, e) => notesMap(d).get(e)!.set('visibility', 'anonymous'), 'private')).toBeNull();
	});
});
