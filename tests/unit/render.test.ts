import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { fragmentToHtml, sanitizeContent } from '#lib/editor/render.ts';
import { createNote, noteContent } from '#lib/domain/notes.ts';

function noteWith(...nodes: (Y.XmlElement | Y.XmlText)[]) {
	const doc = new Y.Doc();
	const id = createNote(doc, { createdBy: null, at: 0 });
	noteContent(doc, id).insert(0, nodes);
	return noteContent(doc, id);
}

function paragraph(text: string, attrs?: Record<string, unknown>) {
	const t = new Y.XmlText();
	t.insert(0, text, attrs);
	const p = new Y.XmlElement('paragraph');
	p.insert(0, [t]);
	return p;
}

describe('rendering a note to HTML', () => {
	it('keeps the formatting a note may have', () => {
		const list = new Y.XmlElement('bulletList');
		const item = new Y.XmlElement('listItem');
		item.insert(0, [paragraph('punt')]);
		list.insert(0, [item]);
		const html = fragmentToHtml(
			noteWith(paragraph('vet', { bold: {} }), paragraph('link', { link: { href: 'https://example.org' } }), list)
		);
		expect(html).toContain('<strong>vet</strong>');
		expect(html).toMatch(/<a [^>]*href="https:\/\/example.org"[^>]*>link<\/a>/);
		expect(html).toContain('<ul><li><p>punt</p></li></ul>');
	});

	it('escapes text and drops what a hostile client could smuggle in', () => {
		const script = new Y.XmlElement('script');
		script.insert(0, [new Y.XmlText('alert(1)')]);
		const img = new Y.XmlElement('image');
		img.setAttribute('src', 'x');
		const html = fragmentToHtml(
			noteWith(
				paragraph('<img src=x onerror=alert(1)>'),
				paragraph('klik', { link: { href: 'javascript:alert(1)' } }),
				paragraph('data', { link: { href: 'data:text/html,<script>' } }),
				script,
				img
			)
		);
		expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
		expect(html).not.toMatch(/<script|javascript:|data:text|<img/);
		expect(html).toContain('klik');
	});

	it('sanitizes content trees directly', () => {
		expect(sanitizeContent({ type: 'iframe' })).toBeNull();
		expect(sanitizeContent({ type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'a', marks: [{ type: 'evil' }] }] }] })).toEqual({
			type: 'doc',
			content: [{ type: 'paragraph', content: [{ type: 'text', text: 'a' }] }]
		});
	});
});
