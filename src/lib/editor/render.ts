import { getSchema, type JSONContent } from '@tiptap/core';
import { DOMSerializer, Node as PMNode, type Schema } from '@tiptap/pm/model';
import { renderToHTMLString } from '@tiptap/static-renderer/pm/html-string';
import { yXmlFragmentToProsemirrorJSON } from '@tiptap/y-tiptap';
import type * as Y from 'yjs';
import { noteExtensions, SAFE_HREF } from './extensions.ts';

const NODES = new Set(['doc', 'paragraph', 'text', 'bulletList', 'orderedList', 'listItem', 'hardBreak']);
const MARKS = new Set(['bold', 'italic', 'strike', 'underline', 'link']);

/**
 * Documents are written by clients, so their content is untrusted: keep only
 * the nodes and marks a note may have, and links to http(s) and mail only.
 */
export function sanitizeContent(node: JSONContent): JSONContent | null {
	if (!node.type || !NODES.has(node.type)) return null;
	const out: JSONContent = { type: node.type };
	if (node.type === 'text') {
		if (typeof node.text !== 'string' || node.text === '') return null;
		out.text = node.text;
		const marks = (node.marks ?? []).flatMap((m) => {
			if (!MARKS.has(m.type)) return [];
			if (m.type !== 'link') return [{ type: m.type }];
			const href = m.attrs?.href;
			return typeof href === 'string' && SAFE_HREF.test(href) ? [{ type: 'link', attrs: { href } }] : [];
		});
		if (marks.length) out.marks = marks;
		return out;
	}
	if (node.type === 'orderedList' && typeof node.attrs?.start === 'number') out.attrs = { start: node.attrs.start };
	if (node.content) out.content = node.content.map(sanitizeContent).filter((n): n is JSONContent => n !== null);
	return out;
}

let extensions: ReturnType<typeof noteExtensions> | null = null;

export function contentToHtml(json: JSONContent): string {
	const clean = sanitizeContent({ ...json, type: 'doc' });
	if (!clean) return '';
	extensions ??= noteExtensions();
	try {
		return renderToHTMLString({ extensions, content: clean });
	} catch {
		// Content that does not fit the schema (e.g. a list without items): fall back to its text.
		return escapeText(textOf(clean));
	}
}

/** A note's rich text as safe HTML. */
export function fragmentToHtml(fragment: Y.XmlFragment): string {
	return contentToHtml(yXmlFragmentToProsemirrorJSON(fragment) as JSONContent);
}

function textOf(node: JSONContent): string {
	return node.text ?? (node.content ?? []).map(textOf).join(' ');
}

function escapeText(s: string): string {
	return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

let domSerializer: { schema: Schema; serializer: DOMSerializer } | null = null;

/** Browser only: renders a note's rich text into `target` (no HTML parsing involved). */
export function renderFragmentInto(target: HTMLElement, fragment: Y.XmlFragment): void {
	if (!domSerializer) {
		const schema = getSchema(noteExtensions());
		domSerializer = { schema, serializer: DOMSerializer.fromSchema(schema) };
	}
	const clean = sanitizeContent({ ...(yXmlFragmentToProsemirrorJSON(fragment) as JSONContent), type: 'doc' });
	let dom: Node;
	try {
		const node = PMNode.fromJSON(domSerializer.schema, clean ?? { type: 'doc' });
		dom = domSerializer.serializer.serializeFragment(node.content, { document: target.ownerDocument });
	} catch {
		dom = target.ownerDocument.createTextNode(clean ? textOf(clean) : '');
	}
	target.replaceChildren(dom);
}
