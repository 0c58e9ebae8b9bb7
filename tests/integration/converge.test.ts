import { describe, expect, it, synced } from '../helpers/fixture.ts';
import { collectiveDoc } from '#lib/domain/docnames.ts';
import { createNote, listNotes, noteContent, plainText, moveNote } from '#lib/domain/notes.ts';
import type { BoardId } from '#lib/domain/ids.ts';

const board = 'intentie' as BoardId;

describe('two clients on one collective lane', () => {
	it('converge on notes, text and positions', async ({ server, open }) => {
		const { practice, facilitator } = await server.zwerm.practices.create({ name: 'Wijkteam', facilitatorName: 'Fem' });
		const participant = await server.zwerm.practices.join(practice.participantInvite, { name: 'Piet' });
		const name = collectiveDoc(practice.id, board);
		const a = open(name, facilitator.token);
		const b = open(name, participant!.token);
		await Promise.all([synced(a), synced(b)]);

		const id = createNote(a.doc, { createdBy: facilitator.member.id, at: 1, text: 'Waarom zijn wij hier?', x: 0.2, y: 0.3 });
		await expect.poll(() => listNotes(b.doc).length === 1, { message: 'note on b' }).toBe(true);
		moveNote(b.doc, id, 0.7, 0.1);
		await expect.poll(() => listNotes(a.doc)[0]?.x === 0.7, { message: 'move on a' }).toBe(true);

		expect(plainText(noteContent(b.doc, id))).toBe('Waarom zijn wij hier?');
		expect(listNotes(a.doc)).toEqual(listNotes(b.doc));
	});
});
