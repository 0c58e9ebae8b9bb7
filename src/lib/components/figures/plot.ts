import type { Attachment } from 'svelte/attachments';

type PlotModule = typeof import('@observablehq/plot');

/**
 * An Observable Plot chart as a Svelte attachment: `make` builds the chart for
 * the element's width (Plot returns plain SVG, or a figure with a legend), and
 * it is built again when the width changes. Plot is loaded on first use, so
 * pages without charts do not carry it. Attach it again (a new `make`) for new data.
 */
export function plot(make: (Plot: PlotModule, width: number) => Element): Attachment<HTMLElement> {
	return (node) => {
		let alive = true;
		let width = 0;
		let Plot: PlotModule | null = null;
		const render = () => {
			const w = Math.round(node.clientWidth);
			if (!Plot || !alive || w === 0 || Math.abs(w - width) < 16) return;
			width = w;
			node.replaceChildren(accessible(make(Plot, w)));
		};
		const observer = new ResizeObserver(render);
		observer.observe(node);
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

/** Series colours with at least 3:1 contrast on white (WCAG 1.4.11), told apart by shape too. */
export const SERIES = {
	collective: '#1f5fa8',
	individual: '#a8520a',
	mine: '#6b2f9e',
	anonymous: '#5f6b73',
	during: '#1f5fa8',
	between: '#c98a2b'
} as const;
