import type { Attachment } from 'svelte/attachments';

type PlotModule = typeof import('@observablehq/plot');

/**
 * An Observable Plot chart as a Svelte attachment: `make` builds the chart for
 * the element's width (Plot returns plain SVG, or a figure with a legend), and
 * it is built again when the width changes. Plot is loaded on first use, so
 * pages without charts do not carry it. Attach it again (a new `make`) for new data.
 *
 * With `fixedWidth` the chart is built once at that width (the copy for paper:
 * a browser lays a page out again for printing without running scripts, so the
 * copy is drawn beforehand at the page's width and shown only in print).
 */
export function plot(make: (Plot: PlotModule, width: number) => Element, fixedWidth?: number): Attachment<HTMLElement> {
	return (node) => {
		let alive = true;
		let width = 0;
		let Plot: PlotModule | null = null;
		const render = () => {
			const w = fixedWidth ?? Math.round(node.clientWidth);
			if (!Plot || !alive || w === 0 || Math.abs(w - width) < 16) return;
			width = w;
			node.replaceChildren(accessible(make(Plot, w)));
		};
		const observer = new ResizeObserver(render);
		if (fixedWidth === undefined) observer.observe(node);
		void import('@observablehq/plot').then((module) => {
			Plot = module;
			render();
		});
		return () => {
			alive = false;
			observer.disconnect();
			node.replaceChildren();
		};
	};
}

/**
 * Plot labels its inner groups with aria-label ("line", "bar", axes), which ARIA
 * prohibits on elements without a role. The chart is one image with a label and a
 * text summary beside it: its parts are left unlabelled.
 */
function accessible(chart: Element): Element {
	for (const svg of chart.matches('svg') ? [chart] : [...chart.querySelectorAll('svg')]) {
		if (svg.hasAttribute('aria-label')) svg.setAttribute('role', 'img');
		for (const g of svg.querySelectorAll('[aria-label]:not(svg)')) g.removeAttribute('aria-label');
	}
	return chart;
}

/**
 * The width of a chart on paper, in CSS pixels: A4 (210 mm) less the report's
 * page margins (2 × 16 mm, its `@page` rule) is 178 mm ≈ 672 px. Drawn at this
 * width, a chart is printed at scale 1 and its text at the size CSS gives it.
 */
export const PAPER_WIDTH = 672;

/** Series colours with at least 3:1 contrast on white (WCAG 1.4.11), told apart by shape too. */
export const SERIES = {
	collective: '#1f5fa8',
	individual: '#a8520a',
	mine: '#6b2f9e',
	anonymous: '#5f6b73',
	during: '#1f5fa8',
	between: '#c98a2b'
} as const;
