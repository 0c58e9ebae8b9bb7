import type * as Y from 'yjs';
import { listNotes, noteContent, plainText, type NoteData } from '#lib/domain/notes.ts';

export type NoteView = NoteData & { readonly text: string };

/** A lane as a user sees it: its notes in reading order, each with its text. */
export function laneView(doc: Y.Doc): NoteView[] {
	return listNotes(doc).map((note) => ({ ...note, text: plainText(noteContent(doc, note.id)) }));
}
