import type { Extensions } from '@tiptap/core';
import StarterKit from '@tiptap/starter-kit';

/**
 * The one list of rich-text features a note has, shared by the editor in the
 * browser and by the renderers (static note view, export). Undo and redo come
 * from Yjs (the Collaboration extension), not from StarterKit's history.
 */
export function noteExtensions(): Extensions {
	return [
		StarterKit.configure({
			undoRedo: false,
			heading: false,
			codeBlock: false,
			horizontalRule: false,
			blockquote: false,
			code: false,
			link: {
				openOnClick: false,
				autolink: true,
				defaultProtocol: 'https',
				protocols: ['http', 'https', 'mailto'],
				HTMLAttributes: { rel: 'noopener noreferrer nofollow', target: '_blank' }
			}
		})
	];
}

export const SAFE_HREF = /^(https?:|mailto:)/i;
