import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';

/** A PDF's text, page by page, and each run of text with its size in points (a chart's axis text among them). */
export async function pdfPages(data: Uint8Array): Promise<string[] & { runs: { text: string; pt: number }[] }> {
	const pdf = await getDocument({ data, useSystemFonts: true }).promise;
	const pages = Object.assign([] as string[], { runs: [] as { text: string; pt: number }[] });
	for (let i = 1; i <= pdf.numPages; i++) {
		const content = await (await pdf.getPage(i)).getTextContent();
		pages.push(content.items.map((item) => ('str' in item ? item.str : '')).join(' ').replace(/\s+/g, ' '));
		for (const item of content.items) {
			if ('str' in item && item.str.trim()) pages.runs.push({ text: item.str, pt: Math.round(Math.hypot(item.transform[2], item.transform[3]) * 10) / 10 });
		}
	}
	await pdf.destroy();
	return pages;
}
