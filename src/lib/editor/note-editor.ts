import { Editor } from '@tiptap/core';
import Collaboration from '@tiptap/extension-collaboration';
import CollaborationCaret from '@tiptap/extension-collaboration-caret';
import type { HocuspocusProvider } from '@hocuspocus/provider';
import type * as Y from 'yjs';
import { SAFE_HREF, noteExtensions } from './extensions.ts';

export interface NoteEditorOptions {
	readonly fragment: Y.XmlFragment;
	/** With awareness, others see a named caret. */
	readonly provider: HocuspocusProvider | null;
	readonly user: { name: string; color: string };
	readonly label: string;
	readonly onReady?: (editor: Editor) => void;
	readonly onEscape?: () => void;
}

/**
 * Mounts Tiptap bound to a note's fragment. Used as a Svelte attachment:
 * the returned function destroys the editor when the note leaves edit mode.
 */
export function mountNoteEditor(element: HTMLElement, options: NoteEditorOptions): () => void {
	const extensions = [...noteExtensions(), Collaboration.configure({ fragment: options.fragment })];
	if (options.provider?.awareness) {
		extensions.push(CollaborationCaret.configure({ provider: options.provider, user: options.user }));
	}
	const editor = new Editor({
		element,
		extensions,
		editorProps: {
			attributes: { 'aria-label': options.label, 'aria-multiline': 'true', role: 'textbox' },
			handleKeyDown: (_, event) => {
				if (event.key === 'Escape') {
					options.onEscape?.();
					return true;
				}
				return false;
			}
		}
	});
	options.onReady?.(editor);
	return () => editor.destroy();
}

/** What a board tells a note's editor: who is editing, and Samen's provider for named carets. */
export interface EditorBoard {
	readonly me: { readonly name: string };
	readonly color: string;
	readonly collective: { readonly provider: HocuspocusProvider | null };
}

/**
 * Mounts the editor of a note on a board, as the canvas card and the list's
 * sheet both do: in Samen, the lane several people write in at once, others
 * see a caret with my name; the editor takes the focus at the end of the
 * text and is handed to `onEditor`.
 */
export function mountBoardNoteEditor(
	element: HTMLElement,
	board: EditorBoard,
	note: { fragment: Y.XmlFragment; inSamen: boolean; label: string; onEditor: (editor: Editor) => void; onEscape: () => void }
): () => void {
	return mountNoteEditor(element, {
		fragment: note.fragment,
		provider: note.inSamen ? board.collective.provider : null,
		user: { name: board.me.name, color: board.color },
		label: note.label,
		onReady: (editor) => {
			note.onEditor(editor);
			editor.commands.focus('end');
		},
		onEscape: note.onEscape
	});
}

/**
 * Asks for a link's address and sets it on the selection (empty removes it).
 * Only http(s) and mailto addresses are taken; a bare host gets https://.
 */
export function promptForLink(editor: Editor, question: string): void {
	const previous = editor.getAttributes('link').href ?? '';
	const href = prompt(question, previous);
	if (href === null) return;
	if (href === '') editor.chain().focus().unsetLink().run();
	else if (SAFE_HREF.test(href) || !/^[a-z]+:/i.test(href)) {
		editor
			.chain()
			.focus()
			.extendMarkRange('link')
			.setLink({ href: SAFE_HREF.test(href) ? href : `https://${href}` })
			.run();
	}
}
