import { zoom, zoomIdentity, type D3ZoomEvent, type ZoomBehavior } from 'd3-zoom';
import { select, type Selection } from 'd3-selection';
import type { Point, Rect } from '#lib/domain/board-space.ts';
import { fitRect, followFit } from '#lib/domain/presence.ts';

/** From the whole board of a big practice to large print. */
export const MIN_SCALE = 0.02;
export const MAX_SCALE = 3;
/** Keyboard and button zoom steps. */
export const ZOOM_STEP = 1.25;
/** Room kept around what `fit` and `zoomTo` show, in screen pixels. */
const PAD = 24;
/**
 * The canvas element rests scrolled this far right and down, over a spacer
 * that leaves as much room on every side. Whatever scrolls it (focus moving
 * to a note, the browser's find, `scrollIntoView`) becomes a pan, and it goes
 * back to rest: so reaching a note off screen works as on any page.
 */
export const SLACK = 100_000;
/** The view counts as moving this long after the last step of a pan or zoom (ms). */
export const MOVING_MS = 200;

/** A rectangle grown by a fraction of its size on every side. */
export const grow = (r: Rect, by: number): Rect => ({ x: r.x - r.w * by, y: r.y - r.h * by, w: r.w * (1 + 2 * by), h: r.h * (1 + 2 * by) });

const contains = (outer: Rect, inner: Rect): boolean =>
	inner.x >= outer.x && inner.y >= outer.y && inner.x + inner.w <= outer.x + outer.w && inner.y + inner.h <= outer.y + outer.h;

/**
 * The view onto the board: a translation and a scale (screen = board × k + t).
 * Pan and zoom gestures (drag on empty space, Ctrl+wheel, trackpad and touch
 * pinch) are d3-zoom's; wheel without Ctrl pans, as in Miro and FigJam.
 * `area` is the part of the board whose notes are rendered: the view plus a
 * margin, moved only when the view leaves it, so panning usually changes a
 * transform and nothing else.
 */
export class Viewport {
	x = $state(0);
	y = $state(0);
	k = $state(1);
	width = $state(0);
	height = $state(0);
	area = $state.raw<Rect>({ x: 0, y: 0, w: 0, h: 0 });
	/** performance.now() of the last pan or zoom by a person (not fit, zoomTo): while it is recent, the view is moving. */
	movedAt = -Infinity;
	/** Counts pans and zooms by a person (gestures, keys, buttons; not fit, zoomTo, show): following stops at one. */
	personMoves = $state(0);

	/** The part of the board in view, in board units. */
	get visible(): Rect {
		return { x: -this.x / this.k, y: -this.y / this.k, w: this.width / this.k, h: this.height / this.k };
	}

	private behaviour: ZoomBehavior<HTMLElement, unknown> | null = null;
	private selection: Selection<HTMLElement, unknown, null, undefined> | null = null;

	/**
	 * Starts listening on the canvas element. `ignore` names the elements where
	 * a press must not pan (notes, buttons, editors): their own handlers win.
	 */
	attach(element: HTMLElement, ignore: string): () => void {
		const behaviour = zoom<HTMLElement, unknown>()
			.scaleExtent([MIN_SCALE, MAX_SCALE])
			.filter((event: Event) => {
				if (event.type === 'wheel') return (event as WheelEvent).ctrlKey || (event as WheelEvent).metaKey;
				if ((event as MouseEvent).button) return false;
				return !(event.target as Element).closest(ignore);
			})
			.on('zoom', (event: D3ZoomEvent<HTMLElement, unknown>) => {
				if (event.sourceEvent) {
					// A drag, pinch or Ctrl+wheel.
					this.movedAt = performance.now();
					this.personMoves++;
				}
				this.apply(event.transform);
			});
		const selection = select(element);
		selection.call(behaviour).on('dblclick.zoom', null);
		this.behaviour = behaviour;
		this.selection = selection;
		const resize = new ResizeObserver(() => {
			this.width = element.clientWidth;
			this.height = element.clientHeight;
			this.updateArea();
		});
		resize.observe(element);
		const wheel = (event: WheelEvent) => {
			if (event.ctrlKey || event.metaKey) return; // d3-zoom zooms
			if ((event.target as Element).closest('.editing')) return; // scrolling inside an editor
			event.preventDefault();
			const unit = event.deltaMode === 1 ? 16 : event.deltaMode === 2 ? this.height : 1;
			const dx = (event.shiftKey && !event.deltaX ? event.deltaY : event.deltaX) * unit;
			const dy = (event.shiftKey && !event.deltaX ? 0 : event.deltaY) * unit;
			this.panBy(-dx, -dy);
		};
		element.addEventListener('wheel', wheel, { passive: false });
		const rest = () => {
			element.scrollLeft = SLACK;
			element.scrollTop = SLACK;
		};
		const scrolled = () => {
			const dx = element.scrollLeft - SLACK;
			const dy = element.scrollTop - SLACK;
			if (!dx && !dy) return;
			rest();
			this.panBy(-dx, -dy);
		};
		rest();
		element.addEventListener('scroll', scrolled);
		return () => {
			resize.disconnect();
			element.removeEventListener('scroll', scrolled);
			element.removeEventListener('wheel', wheel);
			selection.on('.zoom', null);
			this.behaviour = null;
			this.selection = null;
		};
	}

	private apply(t: { x: number; y: number; k: number }): void {
		this.x = t.x;
		this.y = t.y;
		this.k = t.k;
		this.updateArea();
	}

	/** Moves the rendered area only when the view leaves it, or when it is far larger than the view. */
	private updateArea(): void {
		const view = this.visible;
		if (!view.w || !view.h) return;
		const area = this.area;
		if (!contains(area, view) || area.w * area.h > 9 * view.w * view.h) this.area = grow(view, 0.5);
	}

	/** Sets the view: screen = board × k + (x, y). `moving`: a step of a pan or zoom, more may follow. */
	set(x: number, y: number, k: number, moving = true): void {
		if (moving) {
			this.movedAt = performance.now();
			this.personMoves++;
		}
		const scale = Math.min(MAX_SCALE, Math.max(MIN_SCALE, k));
		if (this.behaviour && this.selection) this.behaviour.transform(this.selection, zoomIdentity.translate(x, y).scale(scale));
		else this.apply({ x, y, k: scale });
	}

	/** A point on the screen (relative to the canvas element) in board units. */
	toBoard(p: Point): Point {
		return { x: (p.x - this.x) / this.k, y: (p.y - this.y) / this.k };
	}

	/** A point on the board in screen pixels, relative to the canvas element. */
	toScreen(p: Point): Point {
		return { x: p.x * this.k + this.x, y: p.y * this.k + this.y };
	}

	/** Pans by a distance on the screen. */
	panBy(dx: number, dy: number): void {
		this.set(this.x + dx, this.y + dy, this.k);
	}

	/** Zooms by a factor around a point on the screen (the middle of the view by default). */
	zoomBy(factor: number, at: Point = { x: this.width / 2, y: this.height / 2 }): void {
		const k = Math.min(MAX_SCALE, Math.max(MIN_SCALE, this.k * factor));
		const b = this.toBoard(at);
		this.set(at.x - b.x * k, at.y - b.y * k, k);
	}

	/** Shows the whole rectangle, centred, no larger than `maxScale`. */
	fit(rect: Rect, maxScale = 1): void {
		if (!this.width || !this.height) return;
		const k = Math.min(maxScale, (this.width - 2 * PAD) / rect.w, (this.height - 2 * PAD) / rect.h);
		this.set(this.width / 2 - (rect.x + rect.w / 2) * k, this.height / 2 - (rect.y + rect.h / 2) * k, k, false);
	}

	/**
	 * Shows a rectangle whole, centred, as large as fits (a followed view, board
	 * units): not a move of my own. `minScale`: never smaller (the room's screen,
	 * whose text must read from the back; then the rectangle's middle shows).
	 */
	show(rect: Rect, minScale = MIN_SCALE, maxScale = MAX_SCALE): void {
		if (!this.width || !this.height || !rect.w || !rect.h) return;
		const t = fitRect(rect, this.width, this.height, minScale, Math.max(minScale, maxScale));
		this.set(t.x, t.y, t.k, false);
	}

	/** Shows a followed view (board units) as domain/presence.ts `followFit` says: on a phone, its width at no less than `readable`. Not a move of my own. */
	follow(rect: Rect, readable: number): void {
		if (!this.width || !this.height || !rect.w || !rect.h) return;
		const t = followFit(rect, this.width, this.height, readable, MAX_SCALE);
		this.set(t.x, t.y, t.k, false);
	}

	/**
	 * Puts a board point at the view's top-left corner (inside the padding),
	 * scaled so that `span` board units fill the view's width, within
	 * `minScale`..`maxScale`. The same point on every screen; only how much of
	 * the board around it shows differs.
	 */
	open(corner: Point, span: number, minScale: number, maxScale: number): void {
		if (!this.width || !this.height) return;
		const k = Math.max(minScale, Math.min(maxScale, (this.width - 2 * PAD) / span));
		this.set(PAD - corner.x * k, PAD - corner.y * k, k, false);
	}

	/**
	 * Shows a rectangle (a lane) as wide as the view allows, its top at the
	 * top; never smaller than `minScale`, where it starts at the left edge.
	 */
	zoomTo(rect: Rect, maxScale = 1, minScale = MIN_SCALE): void {
		if (!this.width || !this.height) return;
		const k = Math.max(Math.min(minScale, maxScale), Math.min(maxScale, (this.width - 2 * PAD) / rect.w));
		const wide = rect.w * k;
		const left = wide <= this.width - 2 * PAD ? (this.width - wide) / 2 : PAD;
		this.set(left - rect.x * k, PAD - rect.y * k, k, false);
	}

	/** Pans as little as needed for a rectangle to be in view (its top-left first when it is larger than the view). */
	ensureVisible(rect: Rect): void {
		if (!this.width || !this.height) return;
		const s = { x: rect.x * this.k + this.x, y: rect.y * this.k + this.y, w: rect.w * this.k, h: rect.h * this.k };
		let dx = 0;
		let dy = 0;
		if (s.x < PAD || s.w > this.width - 2 * PAD) dx = PAD - s.x;
		else if (s.x + s.w > this.width - PAD) dx = this.width - PAD - (s.x + s.w);
		if (s.y < PAD || s.h > this.height - 2 * PAD) dy = PAD - s.y;
		else if (s.y + s.h > this.height - PAD) dy = this.height - PAD - (s.y + s.h);
		if (dx || dy) this.panBy(dx, dy);
	}
}
