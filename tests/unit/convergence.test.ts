import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
	bringIn,
	citationRef,
	createNote,
	deleteNote,
	LEARNING_LOOPS,
	listNotes,
	moveNote,
	noteContent,
	notesMap,
	plainText,
	setNoteColor,
	setNoteLoop,
	setPlainText,
	transferNote
} from '#lib/domain/notes.ts';
import { NOTE_COLORS } from '#lib/domain/palette.ts';
import type { MemberId, NoteId } from '#lib/domain/ids.ts';
import { createRandom, type Random } from '../helpers/random.ts';

/**
 * Randomized convergence in the style of yjs' tests/testHelper.js: several
 * replicas of a member's lane and of the collective lane edit concurrently
 * through the domain functions; updates travel through a simulated network
 * that delivers them late, out of order, in merged batches, and not at all
 * while a replica is disconnected. Once everything is delivered, every
 * replica must show the same notes with the same text.
 */

type Kind = 'lane' | 'collective';
const KINDS: Kind[] = ['lane', 'collective'];
const NETWORK = Symbol('network');
const member = 'Lane-owner-0001' as MemberId;

interface Message {
	readonly from: number;
	readonly kind: Kind;
	readonly update: Uint8Array;
}

interface Replica {
	readonly index: number;
	readonly docs: Record<Kind, Y.Doc>;
	online: boolean;
}

class Network {
	readonly replicas: Replica[] = [];
	/** Messages waiting for each receiver. */
	readonly inbox: Message[][] = [];
	readonly stats = { ops: new Map<string, number>(), delivered: 0, batches: 0, merged: 0, disconnects: 0 };

	readonly random: Random;

	constructor(random: Random, size: number) {
		this.random = random;
		for (let index = 0; index < size; index++) {
			const docs = { lane: new Y.Doc(), collective: new Y.Doc() };
			// Fixed client ids make a seed replay exactly (conflicts resolve by client id).
			docs.lane.clientID = 1000 + index;
			docs.collective.clientID = 2000 + index;
			for (const kind of KINDS) {
				docs[kind].on('update', (update: Uint8Array, origin: unknown) => {
					if (origin === NETWORK) return;
					for (let to = 0; to < size; to++) if (to !== index) this.inbox[to].push({ from: index, kind, update });
				});
			}
			this.replicas.push({ index, docs, online: true });
			this.inbox.push([]);
		}
	}

	private deliverable(to: number): number[] {
		if (!this.replicas[to].online) return [];
		const out: number[] = [];
		this.inbox[to].forEach((m, i) => {
			if (this.replicas[m.from].online) out.push(i);
		});
		return out;
	}

	/** Delivers a random batch of messages to a random connected replica; false when nothing can move. */
	deliverSome(maxBatch = 6): boolean {
		const receivers = this.replicas.filter((r) => this.deliverable(r.index).length > 0);
		if (receivers.length === 0) return false;
		const to = this.random.pick(receivers).index;
		// Usually the oldest messages first (as a relay over websockets would),
		// sometimes any order at all (Yjs must then hold updates until their
		// dependencies arrive).
		const deliverable = this.deliverable(to);
		const candidates = this.random.bool(0.7) ? deliverable : this.random.shuffle(deliverable);
		const chosen = candidates.slice(0, this.random.int(1, maxBatch));
		const messages = chosen.map((i) => this.inbox[to][i]);
		const taken = new Set(chosen);
		this.inbox[to] = this.inbox[to].filter((_, i) => !taken.has(i));
		this.stats.batches++;
		this.stats.delivered += messages.length;
		for (const kind of KINDS) {
			const updates = messages.filter((m) => m.kind === kind).map((m) => m.update);
			if (updates.length === 0) continue;
			const doc = this.replicas[to].docs[kind];
			if (updates.length > 1 && this.random.bool()) {
				this.stats.merged++;
				Y.applyUpdate(doc, Y.mergeUpdates(updates), NETWORK);
			} else {
				for (const update of updates) Y.applyUpdate(doc, update, NETWORK);
			}
		}
		return true;
	}

	toggleConnection(): void {
		const replica = this.random.pick(this.replicas);
		replica.online = !replica.online;
		if (!replica.online) this.stats.disconnects++;
	}

	deliverAll(): void {
		for (const r of this.replicas) r.online = true;
		while (this.deliverSome()) {
			/* keep going */
		}
	}

	count(op: string): void {
		this.stats.ops.set(op, (this.stats.ops.get(op) ?? 0) + 1);
	}
}

const colors = NOTE_COLORS.map((c) => c.id);
const sentence = (random: Random) => Array.from({ length: random.int(1, 4) }, () => random.word()).join(' ');

function textNodes(fragment: Y.XmlFragment): Y.XmlText[] {
	const out: Y.XmlText[] = [];
	for (const child of fragment.toArray()) {
		if (child instanceof Y.XmlElement) for (const inner of child.toArray()) if (inner instanceof Y.XmlText) out.push(inner);
	}
	return out;
}

/** One random edit on one replica, through the domain functions. */
function randomOperation(net: Network, replica: Replica): void {
	const { random } = net;
	const kind: Kind = random.bool(0.6) ? 'lane' : 'collective';
	const doc = replica.docs[kind];
	const notes = listNotes(doc);
	const roll = random.next();
	const at = random.int(1, 1e9);

	if (notes.length === 0 || roll < 0.18) {
		createNote(doc, {
			id: random.id() as NoteId,
			createdBy: member,
			at,
			x: random.next(),
			y: random.next(),
			color: random.pick(colors),
			loop: random.bool(0.3) ? random.pick(LEARNING_LOOPS) : null,
			text: random.bool(0.8) ? sentence(random) : undefined
		});
		return net.count('create');
	}
	const note = random.pick(notes).id;
	const fragment = noteContent(doc, note);

	if (roll < 0.3) {
		moveNote(doc, note, random.next(), random.next());
		net.count('move');
	} else if (roll < 0.36) {
		setNoteColor(doc, note, random.pick(colors));
		net.count('color');
	} else if (roll < 0.42) {
		setNoteLoop(doc, note, random.bool(0.7) ? random.pick(LEARNING_LOOPS) : null);
		net.count('loop');
	} else if (roll < 0.48) {
		deleteNote(doc, note);
		net.count('delete');
	} else if (roll < 0.56) {
		setPlainText(fragment, Array.from({ length: random.int(1, 3) }, () => sentence(random)).join('\n'));
		net.count('setPlainText');
	} else if (roll < 0.72) {
		// Typing into an existing text node, or a new paragraph when there is none.
		const texts = textNodes(fragment);
		doc.transact(() => {
			if (texts.length === 0 || random.bool(0.15)) {
				const p = new Y.XmlElement('paragraph');
				fragment.insert(random.int(0, fragment.length), [p]);
				p.insert(0, [new Y.XmlText(sentence(random))]);
			} else {
				const text = random.pick(texts);
				const attrs = random.bool(0.2) ? { bold: true } : undefined;
				text.insert(random.int(0, text.length), random.word(), attrs);
			}
		});
		net.count('type');
	} else if (roll < 0.78) {
		// A second Y.XmlText next to the existing ones in a paragraph.
		const paragraphs = fragment.toArray().filter((c): c is Y.XmlElement => c instanceof Y.XmlElement);
		if (paragraphs.length === 0) return randomOperation(net, replica);
		const p = random.pick(paragraphs);
		doc.transact(() => {
			const text = new Y.XmlText();
			p.insert(random.int(0, p.length), [text]);
			text.insert(0, random.word(), random.bool(0.5) ? { italic: true } : undefined);
		});
		net.count('insertXmlText');
	} else if (roll < 0.86) {
		const texts = textNodes(fragment).filter((t) => t.length > 0);
		if (texts.length === 0) return randomOperation(net, replica);
		const text = random.pick(texts);
		const index = random.int(0, text.length - 1);
		text.delete(index, random.int(1, text.length - index));
		net.count('deleteText');
	} else if (roll < 0.97) {
		const lane = replica.docs.lane;
		const collective = replica.docs.collective;
		const sources = listNotes(lane);
		if (sources.length === 0) return randomOperation(net, replica);
		const source = random.pick(sources).id;
		const targets = listNotes(collective);
		const into = targets.length > 0 && random.bool(0.35) ? random.pick(targets).id : undefined;
		bringIn(collective, { doc: lane, memberId: member, noteId: source }, { createdBy: member, at, into, place: { x: Math.floor(random.next() * 2000), y: Math.floor(random.next() * 1000) } });
		net.count(into ? 'bringInto' : 'bringIn');
	} else {
		const sources = listNotes(replica.docs.lane);
		if (sources.length === 0) return randomOperation(net, replica);
		transferNote(replica.docs.lane, replica.docs.collective, random.pick(sources).id, { createdBy: member, at });
		net.count('transfer');
	}
}

function simulate(seed: number, { replicas = 4, steps = 600 } = {}): Network {
	const net = new Network(createRandom(seed), replicas);
	for (let step = 0; step < steps; step++) {
		const roll = net.random.next();
		if (roll < 0.6) randomOperation(net, net.random.pick(net.replicas));
		else if (roll < 0.95) net.deliverSome();
		else net.toggleConnection();
	}
	return net;
}

/** What a user sees of a lane, plus the structure underneath. */
function view(doc: Y.Doc) {
	const notes = listNotes(doc);
	return {
		notes,
		texts: notes.map((n) => plainText(noteContent(doc, n.id))),
		json: notesMap(doc).toJSON(),
		stateVector: [...Y.decodeStateVector(Y.encodeStateVector(doc))].sort(([a], [b]) => a - b),
		pending: doc.store.pendingStructs !== null || doc.store.pendingDs !== null
	};
}

const SEEDS = [1, 2, 3, 7, 42, 1337, 20240611, 987654321];

describe('replicas of a lane converge whatever the network does', () => {
	it.each(SEEDS)('seed %i', (seed) => {
		const net = simulate(seed);
		net.deliverAll();

		for (const kind of KINDS) {
			const reference = view(net.replicas[0].docs[kind]);
			expect(reference.pending, `${kind}: replica 0 still waits for updates`).toBe(false);
			for (const replica of net.replicas.slice(1)) {
				expect(view(replica.docs[kind]), `seed ${seed}, ${kind}, replica ${replica.index}`).toEqual(reference);
			}
		}

		// The run exercised what it claims to: every kind of edit, and a hostile network.
		const ops = net.stats.ops;
		for (const op of ['create', 'move', 'color', 'loop', 'delete', 'setPlainText', 'type', 'insertXmlText', 'deleteText', 'bringIn']) {
			expect(ops.get(op) ?? 0, `operation ${op}`).toBeGreaterThan(0);
		}
		expect(net.stats.merged).toBeGreaterThan(0);
		expect(net.stats.disconnects).toBeGreaterThan(0);
		expect(listNotes(net.replicas[0].docs.lane).length + listNotes(net.replicas[0].docs.collective).length).toBeGreaterThan(0);
	});

	/*
	 * Replicas agreeing is not enough: they must agree on what the users did.
	 * Two members citing into the same collective note at the same time is the
	 * everyday case of "one collective note grows from several individual notes".
	 */
	it('concurrent bringIn `into` a note without citations keeps both citations', () => {
		const net = simulate(5, { steps: 0 });
		const [a, b] = net.replicas;
		const fromA = createNote(a.docs.lane, { createdBy: member, at: 1, text: 'van a' });
		const fromB = createNote(a.docs.lane, { createdBy: member, at: 1, text: 'van b' });
		// A collective note written directly in the collective lane has no `cites` array yet.
		const target = createNote(a.docs.collective, { createdBy: member, at: 2, text: 'samen' });
		net.deliverAll();

		bringIn(a.docs.collective, { doc: a.docs.lane, memberId: member, noteId: fromA }, { createdBy: member, at: 3, into: target });
		bringIn(b.docs.collective, { doc: b.docs.lane, memberId: member, noteId: fromB }, { createdBy: member, at: 3, into: target });
		net.deliverAll();

		expect(view(b.docs.collective)).toEqual(view(a.docs.collective));
		const cites = listNotes(a.docs.collective).find((n) => n.id === target)!.cites;
		// Each replica set its own new Y.Array on the same key; the map keeps one and the other citation is lost.
		expect([...cites].sort()).toEqual([citationRef(member, fromA), citationRef(member, fromB)].sort());
	});

	it('the same citation added concurrently is shown once', () => {
		const net = simulate(6, { steps: 0 });
		const [a, b] = net.replicas;
		const first = createNote(a.docs.lane, { createdBy: member, at: 1, text: 'eerste' });
		const second = createNote(a.docs.lane, { createdBy: member, at: 1, text: 'tweede' });
		const target = bringIn(a.docs.collective, { doc: a.docs.lane, memberId: member, noteId: first }, { createdBy: member, at: 2 });
		net.deliverAll();

		for (const r of [a, b]) {
			bringIn(r.docs.collective, { doc: r.docs.lane, memberId: member, noteId: second }, { createdBy: member, at: 3, into: target });
		}
		net.deliverAll();

		expect(view(b.docs.collective)).toEqual(view(a.docs.collective));
		// Both pushed the same ref into the shared array; readNote and citedBy do not deduplicate.
		expect(listNotes(a.docs.collective).find((n) => n.id === target)!.cites).toEqual([
			citationRef(member, first),
			citationRef(member, second)
		]);
	});

	it('notices when the network loses a message (the comparison is not vacuous)', () => {
		const net = simulate(42);
		net.deliverAll();
		// Lose one edit on its way to replica 1 and no other.
		createNote(net.replicas[0].docs.lane, { createdBy: member, at: 1, text: 'verloren' });
		net.inbox[1].shift();
		net.deliverAll();
		expect(view(net.replicas[1].docs.lane)).not.toEqual(view(net.replicas[0].docs.lane));
		expect(view(net.replicas[2].docs.lane)).toEqual(view(net.replicas[0].docs.lane));
	});
});
