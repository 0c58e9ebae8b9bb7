import { describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { NOTE_GAP, NOTE_H, NOTE_W, notePosition } from '#lib/domain/board-space.ts';
import {
	bringIn,
	citationRef,
	citedBy,
	createNote,
	deleteNote,
	listNotes,
	moveNote,
	noteContent,
	NoteNotFoundError,
	notesMap,
	plainText,
	readNote,
	removeCitation,
	setNoteColor,
	setNoteLoop,
	setPlainText,
	transferNote
} from '#lib/domain/notes.ts';
import { occupancyOf } from '#lib/domain/lane-space.ts';
import type { MemberId, NoteId } from '#lib/domain/ids.ts';
import type { NoteColor } from '#lib/domain/palette.ts';

const ana = 'Ana-member-0001' as MemberId;
const bas = 'Bas-member-0002' as MemberId;
const textOf = (doc: Y.Doc, id: NoteId) => plainText(noteContent(doc, id));

describe('createNote', () => {
	it('stores place, colour, author, time and text, with defaults for what is left out', () => {
		const doc = new Y.Doc();
		const id = createNote(doc, { createdBy: ana, at: 1234, text: 'Waarom zijn wij hier?', x: 0.25, y: 0.75, color: 'blue' });
		const plain = createNote(doc, { createdBy: null, at: 5 });

		expect(readNote(doc, id)).toEqual({
			id,
			color: 'blue',
			x: 0.25,
			y: 0.75,
			createdAt: 1234,
			createdBy: ana,
			loop: null,
			cites: [],
			anonymous: false,
			named: false,
			px: null,
			py: null,
			round: null,
			reveal: null,
			auto: false,
			cluster: null,
			question: null
		});
		expect(textOf(doc, id)).toBe('Waarom zijn wij hier?');
		expect(readNote(doc, plain)).toMatchObject({ color: 'yellow', x: 0.5, y: 0.5, createdBy: null, loop: null });
		expect(textOf(doc, plain)).toBe('');
	});

	it('keeps positions inside the lane', () => {
		const doc = new Y.Doc();
		const id = createNote(doc, { createdBy: ana, at: 1, x: -3, y: 7 });
		const nan = createNote(doc, { createdBy: ana, at: 1, x: Number.NaN, y: Number.POSITIVE_INFINITY });
		expect(readNote(doc, id)).toMatchObject({ x: 0, y: 1 });
		expect(readNote(doc, nan)).toMatchObject({ x: 0.5, y: 0.5 });
	});

	it('creates the note and its text in one transaction (one update for peers)', () => {
		const doc = new Y.Doc();
		const updates: Uint8Array[] = [];
		doc.on('update', (u: Uint8Array) => updates.push(u));
		const id = createNote(doc, { createdBy: ana, at: 1, text: 'een\ntwee' });
		expect(updates).toHaveLength(1);

		const peer = new Y.Doc();
		Y.applyUpdate(peer, updates[0]);
		expect(textOf(peer, id)).toBe('een\ntwee');
	});

	it('uses the id it is given and removes duplicate citations', () => {
		const doc = new Y.Doc();
		const ref = citationRef(ana, 'Note-aaaaaaaaaa' as NoteId);
		const id = createNote(doc, { id: 'Given-id-000001' as NoteId, createdBy: ana, at: 1, cites: [ref, ref] });
		expect(id).toBe('Given-id-000001');
		expect(readNote(doc, id)?.cites).toEqual([ref]);
	});

	it('passes the origin to the transaction', () => {
		const doc = new Y.Doc();
		const origins: unknown[] = [];
		doc.on('update', (_: Uint8Array, origin: unknown) => origins.push(origin));
		const origin = { who: 'test' };
		const id = createNote(doc, { createdBy: ana, at: 1 }, origin);
		moveNote(doc, id, 0.1, 0.1, origin);
		expect(origins).toEqual([origin, origin]);
	});
});

describe('changing a note', () => {
	it('moveNote, setNoteColor and setNoteLoop change only what they name', () => {
		const doc = new Y.Doc();
		const id = createNote(doc, { createdBy: ana, at: 1, text: 'tekst', x: 0.1, y: 0.2 });

		moveNote(doc, id, 0.6, 1.4);
		expect(readNote(doc, id)).toMatchObject({ x: 0.6, y: 1, color: 'yellow', loop: null });

		setNoteColor(doc, id, 'green');
		expect(readNote(doc, id)).toMatchObject({ x: 0.6, y: 1, color: 'green' });

		setNoteLoop(doc, id, 'waartoe');
		expect(readNote(doc, id)?.loop).toBe('waartoe');
		setNoteLoop(doc, id, null);
		expect(readNote(doc, id)?.loop).toBeNull();
		expect(notesMap(doc).get(id)?.has('loop')).toBe(false);
		expect(textOf(doc, id)).toBe('tekst');
	});

	it('refuses a colour outside the palette', () => {
		const doc = new Y.Doc();
		const id = createNote(doc, { createdBy: ana, at: 1 });
		expect(() => setNoteColor(doc, id, 'evil' as NoteColor)).toThrow(TypeError);
		expect(readNote(doc, id)?.color).toBe('yellow');
	});

	it('deleteNote removes the note; changing a missing note throws NoteNotFoundError', () => {
		const doc = new Y.Doc();
		const id = createNote(doc, { createdBy: ana, at: 1 });
		deleteNote(doc, id);
		expect(readNote(doc, id)).toBeNull();
		expect(listNotes(doc)).toEqual([]);

		const missing = 'Missing-note-01' as NoteId;
		expect(() => deleteNote(doc, missing)).toThrow(NoteNotFoundError);
		expect(() => moveNote(doc, missing, 0, 0)).toThrow(NoteNotFoundError);
		expect(() => setNoteColor(doc, missing, 'blue')).toThrow(NoteNotFoundError);
		expect(() => setNoteLoop(doc, missing, 'hoe')).toThrow(NoteNotFoundError);
		expect(() => noteContent(doc, missing)).toThrow(NoteNotFoundError);
	});
});

describe('listNotes', () => {
	it('lists notes in reading order: top to bottom, then left to right, then by id', () => {
		const doc = new Y.Doc();
		const bottom = createNote(doc, { createdBy: ana, at: 1, x: 0.1, y: 0.9 });
		const topRight = createNote(doc, { createdBy: ana, at: 2, x: 0.8, y: 0.1 });
		const topLeft = createNote(doc, { createdBy: ana, at: 3, x: 0.2, y: 0.1 });
		const tieB = createNote(doc, { id: 'bbbbbbbbbbbbbbbb' as NoteId, createdBy: ana, at: 4, x: 0.5, y: 0.5 });
		const tieA = createNote(doc, { id: 'aaaaaaaaaaaaaaaa' as NoteId, createdBy: ana, at: 5, x: 0.5, y: 0.5 });

		expect(listNotes(doc).map((n) => n.id)).toEqual([topLeft, topRight, tieA, tieB, bottom]);

		moveNote(doc, bottom, 0, 0);
		expect(listNotes(doc)[0].id).toBe(bottom);
	});

	it('skips entries in the notes map that are not notes', () => {
		const doc = new Y.Doc();
		const id = createNote(doc, { createdBy: ana, at: 1 });
		(notesMap(doc) as unknown as Y.Map<unknown>).set('junk', 'not a note');
		(notesMap(doc) as unknown as Y.Map<unknown>).set('more-junk', 42);
		expect(listNotes(doc).map((n) => n.id)).toEqual([id]);
		expect(readNote(doc, 'junk')).toBeNull();
	});
});

describe('readNote on malformed fields', () => {
	it('falls back to safe values instead of passing client garbage on', () => {
		const doc = new Y.Doc();
		const note = new Y.Map<unknown>();
		const cites = Y.Array.from<string | number | null>(['lane:../../etc:passwd', 42, citationRef(ana, 'Real-note-00001' as NoteId), null]);
		doc.transact(() => {
			note.set('x', 'abc');
			note.set('y', Number.NaN);
			note.set('color', 'evil');
			note.set('createdAt', '2024');
			note.set('createdBy', { admin: true });
			note.set('loop', 'forever');
			note.set('cites', cites);
			notesMap(doc).set('Weird-note-0001', note);
		});

		expect(readNote(doc, 'Weird-note-0001')).toEqual({
			id: 'Weird-note-0001',
			x: 0.5,
			y: 0.5,
			color: 'yellow',
			createdAt: 0,
			createdBy: null,
			loop: null,
			cites: [citationRef(ana, 'Real-note-00001' as NoteId)],
			anonymous: false,
			named: false,
			px: null,
			py: null,
			round: null,
			reveal: null,
			auto: false,
			cluster: null,
			question: null
		});
	});

	it('clamps numbers outside the lane and ignores a cites field that is not a list', () => {
		const doc = new Y.Doc();
		const note = new Y.Map<unknown>();
		doc.transact(() => {
			note.set('x', 12);
			note.set('y', -0.5);
			note.set('cites', 'lane:Ana-member-0001:Real-note-00001');
			notesMap(doc).set('Weird-note-0002', note);
		});
		expect(readNote(doc, 'Weird-note-0002')).toMatchObject({ x: 1, y: 0, cites: [] });
		expect(listNotes(doc)).toHaveLength(1);
	});

	it('a note without a content fragment has no content', () => {
		const doc = new Y.Doc();
		doc.transact(() => {
			const note = new Y.Map<unknown>();
			note.set('content', 'plain string');
			notesMap(doc).set('Weird-note-0003', note);
		});
		expect(() => noteContent(doc, 'Weird-note-0003' as NoteId)).toThrow(NoteNotFoundError);
	});
});

describe('transferNote', () => {
	it('moves content, colour, place and loop to the other document and removes the original', () => {
		const from = new Y.Doc();
		const to = new Y.Doc();
		const id = createNote(from, { createdBy: ana, at: 1, text: 'Eerste alinea\nTweede alinea', x: 0.3, y: 0.4, color: 'pink', loop: 'waarom' });
		const fragment = noteContent(from, id);
		const bold = new Y.XmlText();
		fragment.insert(fragment.length, [new Y.XmlElement('paragraph')]);
		(fragment.get(2) as Y.XmlElement).insert(0, [bold]);
		bold.insert(0, 'vet', { bold: true });

		const newId = transferNote(from, to, id, { createdBy: bas, at: 99 });

		expect(readNote(from, id)).toBeNull();
		expect(listNotes(from)).toEqual([]);
		expect(readNote(to, newId)).toMatchObject({ color: 'pink', loop: 'waarom', createdBy: bas, createdAt: 99 });
		// The same place, in board units, and the fractions older clients read beside them.
		expect(notePosition(readNote(to, newId)!, 'member')).toEqual(notePosition({ x: 0.3, y: 0.4 }, 'member'));
		expect(readNote(to, newId)!.x).toBeCloseTo(0.3, 2);
		expect(readNote(to, newId)!.y).toBeCloseTo(0.4, 2);
		expect(textOf(to, newId)).toBe('Eerste alinea\nTweede alinea\nvet');
		const copied = (noteContent(to, newId).get(2) as Y.XmlElement).get(0) as Y.XmlText;
		expect(copied.toDelta()).toEqual([{ insert: 'vet', attributes: { bold: true } }]);
	});

	it('keeps its place when that is free in the new lane, else goes to the nearest free place', () => {
		const from = new Y.Doc();
		const to = new Y.Doc();
		const there = createNote(to, { createdBy: bas, at: 1, place: { x: 300, y: 200, kind: 'member' } });
		const id = createNote(from, { createdBy: ana, at: 1, place: { x: 310, y: 210, kind: 'member' } });
		const moved = transferNote(from, to, id, { createdBy: ana, at: 2 });
		const p = notePosition(readNote(to, moved)!, 'member');
		expect(occupancyOf(to, 'member').overlapping(p, moved)).toEqual([]);
		// Beside the note it would have covered, not somewhere far away.
		expect(Math.abs(p.y - 200)).toBeLessThanOrEqual(NOTE_H + NOTE_GAP);
		expect(notePosition(readNote(to, there)!, 'member')).toEqual({ x: 300, y: 200 });
	});

	it('throws for a note that does not exist and leaves the target untouched', () => {
		const from = new Y.Doc();
		const to = new Y.Doc();
		expect(() => transferNote(from, to, 'Missing-note-01' as NoteId, { createdBy: ana, at: 1 })).toThrow(NoteNotFoundError);
		expect(listNotes(to)).toEqual([]);
	});
});

describe('bringIn', () => {
	it('creates a collective note that cites the source and copies its text', () => {
		const lane = new Y.Doc();
		const collective = new Y.Doc();
		const source = createNote(lane, { createdBy: ana, at: 1, text: 'Vlaai bij de koffie', x: 0.2, y: 0.3, color: 'green', loop: 'hoe' });

		const id = bringIn(collective, { doc: lane, memberId: ana, noteId: source }, { createdBy: bas, at: 7 });

		expect(readNote(collective, id)).toMatchObject({
			color: 'green',
			loop: 'hoe',
			createdBy: bas,
			createdAt: 7,
			cites: [citationRef(ana, source)]
		});
		expect(textOf(collective, id)).toBe('Vlaai bij de koffie');
		// The source stays where it is, and the copy is independent of it.
		expect(textOf(lane, source)).toBe('Vlaai bij de koffie');
		setPlainText(noteContent(lane, source), 'later veranderd');
		expect(textOf(collective, id)).toBe('Vlaai bij de koffie');
	});

	it('places the collective note where asked', () => {
		const lane = new Y.Doc();
		const collective = new Y.Doc();
		const source = createNote(lane, { createdBy: ana, at: 1, x: 0.2, y: 0.3 });
		const id = bringIn(collective, { doc: lane, memberId: ana, noteId: source }, { createdBy: ana, at: 2, place: { x: 900, y: 480 } });
		expect(readNote(collective, id)).toMatchObject({ px: 900, py: 480 });
	});

	it('places a new collective note where it covers nothing, beside notes citing the same source', () => {
		const lane = new Y.Doc();
		const collective = new Y.Doc();
		// Old collective notes (fractions only) and one in board units, all where a bring-in used to land.
		for (const [x, y] of [[0.2, 0.3], [0, 0], [0.5, 0.5]]) createNote(collective, { createdBy: bas, at: 1, x, y });
		createNote(collective, { createdBy: bas, at: 1, place: { x: 16, y: 16, kind: 'collective' } });
		const sources = [0, 1, 2, 3, 4].map((i) => createNote(lane, { createdBy: ana, at: 1, x: 0.2, y: 0.3, text: `bron ${i}` }));
		const placed = sources.map((noteId) => bringIn(collective, { doc: lane, memberId: ana, noteId }, { createdBy: ana, at: 2 }));
		const space = occupancyOf(collective, 'collective');
		for (const id of placed) expect(space.overlapping(notePosition(readNote(collective, id)!, 'collective'), id)).toEqual([]);
		// The same source again: beside the note that already cites it.
		const first = notePosition(readNote(collective, placed[4])!, 'collective');
		const again = bringIn(collective, { doc: lane, memberId: ana, noteId: sources[4] }, { createdBy: bas, at: 3 });
		const p = notePosition(readNote(collective, again)!, 'collective');
		expect(occupancyOf(collective, 'collective').overlapping(p, again)).toEqual([]);
		expect(Math.hypot(p.x - first.x, p.y - first.y)).toBeLessThanOrEqual(NOTE_W + NOTE_GAP);
	});

	it('with `into`, adds a second citation to an existing collective note, once', () => {
		const anaLane = new Y.Doc();
		const basLane = new Y.Doc();
		const collective = new Y.Doc();
		const fromAna = createNote(anaLane, { createdBy: ana, at: 1, text: 'Samen leren' });
		const fromBas = createNote(basLane, { createdBy: bas, at: 2, text: 'Van elkaar leren' });

		const target = bringIn(collective, { doc: anaLane, memberId: ana, noteId: fromAna }, { createdBy: ana, at: 3 });
		const again = bringIn(collective, { doc: basLane, memberId: bas, noteId: fromBas }, { createdBy: bas, at: 4, into: target });
		bringIn(collective, { doc: basLane, memberId: bas, noteId: fromBas }, { createdBy: bas, at: 5, into: target });
		bringIn(collective, { doc: anaLane, memberId: ana, noteId: fromAna }, { createdBy: ana, at: 6, into: target });

		expect(again).toBe(target);
		expect(listNotes(collective)).toHaveLength(1);
		expect(readNote(collective, target)?.cites).toEqual([citationRef(ana, fromAna), citationRef(bas, fromBas)]);
		// `into` only adds the citation; the collective text stays as it was.
		expect(textOf(collective, target)).toBe('Samen leren');
	});

	it('with `into`, gives a collective note without citations its first one', () => {
		const lane = new Y.Doc();
		const collective = new Y.Doc();
		const source = createNote(lane, { createdBy: ana, at: 1 });
		const target = createNote(collective, { createdBy: bas, at: 2, text: 'Eigen collectieve notitie' });
		bringIn(collective, { doc: lane, memberId: ana, noteId: source }, { createdBy: bas, at: 3, into: target });
		expect(readNote(collective, target)?.cites).toEqual([citationRef(ana, source)]);
	});

	it('throws for a missing source or a missing target', () => {
		const lane = new Y.Doc();
		const collective = new Y.Doc();
		const source = createNote(lane, { createdBy: ana, at: 1 });
		expect(() =>
			bringIn(collective, { doc: lane, memberId: ana, noteId: 'Missing-note-01' as NoteId }, { createdBy: ana, at: 2 })
		).toThrow(NoteNotFoundError);
		expect(() =>
			bringIn(collective, { doc: lane, memberId: ana, noteId: source }, { createdBy: ana, at: 2, into: 'Missing-note-02' as NoteId })
		).toThrow(NoteNotFoundError);
		expect(listNotes(collective)).toEqual([]);
	});
});

describe('citedBy', () => {
	it('lists, for each individual note, the collective notes that cite it', () => {
		const anaLane = new Y.Doc();
		const basLane = new Y.Doc();
		const collective = new Y.Doc();
		const a1 = createNote(anaLane, { createdBy: ana, at: 1 });
		const b1 = createNote(basLane, { createdBy: bas, at: 1 });

		const first = bringIn(collective, { doc: anaLane, memberId: ana, noteId: a1 }, { createdBy: ana, at: 2, place: { x: 16, y: 16 } });
		const second = bringIn(collective, { doc: anaLane, memberId: ana, noteId: a1 }, { createdBy: ana, at: 3, place: { x: 16, y: 800 } });
		bringIn(collective, { doc: basLane, memberId: bas, noteId: b1 }, { createdBy: bas, at: 4, into: second });
		createNote(collective, { createdBy: bas, at: 5, text: 'cites nothing' });

		const links = citedBy(collective);
		expect(links.get(citationRef(ana, a1))).toEqual([first, second]);
		expect(links.get(citationRef(bas, b1))).toEqual([second]);
		expect(links.size).toBe(2);

		removeCitation(collective, second, citationRef(ana, a1));
		expect(citedBy(collective).get(citationRef(ana, a1))).toEqual([first]);
		deleteNote(collective, first);
		expect(citedBy(collective).has(citationRef(ana, a1))).toBe(false);
	});
});

describe('plainText and setPlainText', () => {
	it('round-trips lines as paragraphs, including empty text', () => {
		const doc = new Y.Doc();
		const id = createNote(doc, { createdBy: ana, at: 1 });
		const fragment = noteContent(doc, id);

		setPlainText(fragment, 'een\ntwee\ndrie');
		expect(fragment.length).toBe(3);
		expect(fragment.toArray().every((p) => p instanceof Y.XmlElement && p.nodeName === 'paragraph')).toBe(true);
		expect(plainText(fragment)).toBe('een\ntwee\ndrie');

		setPlainText(fragment, 'vervangen');
		expect(plainText(fragment)).toBe('vervangen');

		setPlainText(fragment, '');
		expect(plainText(fragment)).toBe('');
	});

	it('replaces the content in one transaction', () => {
		const doc = new Y.Doc();
		const id = createNote(doc, { createdBy: ana, at: 1, text: 'oud' });
		let updates = 0;
		doc.on('update', () => updates++);
		setPlainText(noteContent(doc, id), 'nieuw\nen meer');
		expect(updates).toBe(1);
	});

	it('works on a fragment that is not in a document yet', () => {
		// Yjs warns about reading `length` of a type outside a document; keep the output clean.
		const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
		try {
			const fragment = new Y.XmlFragment();
			setPlainText(fragment, 'eerst');
			setPlainText(fragment, 'los\nstaand');
			const doc = new Y.Doc();
			doc.getMap('holder').set('fragment', fragment);
			expect(plainText(fragment)).toBe('los\nstaand');
		} finally {
			warn.mockRestore();
		}
	});

	it('reads text without formatting; inline text joins, blocks become lines', () => {
		const doc = new Y.Doc();
		const fragment = doc.getXmlFragment('scratch');
		const heading = new Y.XmlElement('heading');
		const paragraph = new Y.XmlElement('paragraph');
		fragment.insert(0, [heading, paragraph]);
		const h = new Y.XmlText();
		heading.insert(0, [h]);
		h.insert(0, 'Kop');
		const t1 = new Y.XmlText();
		const t2 = new Y.XmlText();
		paragraph.insert(0, [t1, t2]);
		t1.insert(0, 'gewoon ');
		t2.insert(0, 'vet', { bold: true });
		t2.insertEmbed(3, { image: 'x.png' });

		expect(plainText(fragment)).toBe('Kop\ngewoon vet');
		expect(plainText(paragraph)).toBe('gewoon vet');
		expect(plainText(t2)).toBe('vet');
	});
});
