import { afterEach, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { Awareness, applyAwarenessUpdate, encodeAwarenessUpdate } from 'y-protocols/awareness';
import type { HocuspocusProvider } from '@hocuspocus/provider';
import { Presence, VIEW_INTERVAL_MS } from '#lib/sync/presence.svelte.ts';
import { NARROW_FOLLOWER, fitRect, followFit, mapView, parseSpotlight, parseView, publicView } from '#lib/domain/presence.ts';
import { layoutRegions, COLLECTIVE_W, LANE_W, REGION_GAP, type Rect } from '#lib/domain/board-space.ts';
import { Viewport } from '#lib/components/canvas/viewport.svelte.ts';
import type { MemberId } from '#lib/domain/ids.ts';

const A = 'aaaaaaaaaaaaaaaa' as MemberId;
const B = 'bbbbbbbbbbbbbbbb' as MemberId;
const NOTE = 'nnnnnnnnnnnnnnnn';

/** The lanes of a board with three members, laid out as member A sees it (private lane, own lane first) and as the group does. */
const lanes = (order: string[], withPrivate: boolean) =>
	layoutRegions([
		{ key: 'collective', kind: 'collective', reach: 800 },
		...(withPrivate ? [{ key: 'private', kind: 'private' as const, reach: 100 }] : []),
		...order.map((key) => ({ key, kind: key === 'anonymous' ? ('anonymous' as const) : ('member' as const), reach: key === `lane:${B}` ? 1500 : 300 }))
	]);
const mine = lanes([`lane:${A}`, 'anonymous', `lane:${B}`, 'lane:cccccccccccccccc'], true);
const group = lanes(['anonymous', `lane:${A}`, `lane:${B}`, 'lane:cccccccccccccccc'], false);
const region = (regions: typeof mine, key: string) => regions.find((r) => r.key === key)!;

describe('views in group space', () => {
	it('keeps a view of Samen where it is: Samen is at the origin for everyone', () => {
		const view: Rect = { x: 100, y: 50, w: 1300, h: 700 };
		expect(mapView(view, mine, group)).toEqual(view);
	});

	it("carries a view of my own lane to where my lane is in the group's layout, and back", () => {
		const own = region(mine, `lane:${A}`);
		const there = region(group, `lane:${A}`);
		expect(own.x === there.x && own.y === there.y).toBe(false); // my lane comes first on my screen only
		const view: Rect = { x: own.x + 40, y: own.y + 10, w: 900, h: 500 };
		const shared = mapView(view, mine, group)!;
		expect(shared).toEqual({ x: there.x + 40, y: there.y + 10, w: 900, h: 500 });
		// A follower with another layout (B first) sees A's lane in their own place of it.
		const bs = lanes([`lane:${B}`, 'anonymous', `lane:${A}`, 'lane:cccccccccccccccc'], true);
		const followed = mapView(shared, group, bs)!;
		expect(followed.x - region(bs, `lane:${A}`).x).toBe(40);
		expect(followed.y - region(bs, `lane:${A}`).y).toBe(10);
	});

	it('publishes nothing while the view is on my private lane', () => {
		const priv = region(mine, 'private');
		expect(priv.x).toBe(-(LANE_W + REGION_GAP));
		expect(publicView('intentie', { x: priv.x, y: 0, w: 800, h: 500 }, mine, group)).toBeNull();
		// Mostly Samen with the private lane at its edge: published, in whole board units.
		expect(publicView('intentie', { x: -300.4, y: 0, w: COLLECTIVE_W, h: 900.6 }, mine, group)).toEqual({ boardId: 'intentie', x: -300, y: 0, width: COLLECTIVE_W, height: 901 });
	});

	it('reads only well-formed views and spotlights, never on a private lane', () => {
		expect(parseView({ boardId: 'intentie', x: 1.4, y: 2.6, width: 100, height: 50 })).toEqual({ boardId: 'intentie', x: 1, y: 3, width: 100, height: 50 });
		expect(parseView({ boardId: 'intentie', x: NaN, y: 0, width: 100, height: 50 })).toBeNull();
		expect(parseView({ boardId: 'intentie', x: 0, y: 0, width: 0, height: 50 })).toBeNull();
		expect(parseView({ boardId: 'elders', x: 0, y: 0, width: 10, height: 50 }, (id) => id === 'intentie')).toBeNull();
		expect(parseSpotlight({ boardId: 'intentie', lane: 'collective', noteId: NOTE })).toEqual({ boardId: 'intentie', lane: 'collective', noteId: NOTE });
		expect(parseSpotlight({ boardId: 'intentie', lane: `lane:${A}`, noteId: NOTE })).not.toBeNull();
		expect(parseSpotlight({ boardId: 'intentie', lane: 'private', noteId: NOTE })).toBeNull();
		expect(parseSpotlight({ boardId: 'intentie', lane: 'collective', noteId: '<img>' })).toBeNull();
	});
});

describe('fitting a followed view into my screen', () => {
	it('shows the same rectangle whole and centred on a laptop, a phone and the room screen', () => {
		const followed: Rect = { x: 300, y: 200, w: 1300, h: 640 };
		for (const [w, h] of [
			[1366, 656],
			[390, 650],
			[1920, 950]
		]) {
			const v = new Viewport();
			v.width = w;
			v.height = h;
			v.show(followed);
			const seen = v.visible;
			// The whole rectangle is in view, and one of its sides fills the screen.
			expect(seen.x).toBeLessThanOrEqual(followed.x + 1e-6);
			expect(seen.y).toBeLessThanOrEqual(followed.y + 1e-6);
			expect(seen.x + seen.w).toBeGreaterThanOrEqual(followed.x + followed.w - 1e-6);
			expect(seen.y + seen.h).toBeGreaterThanOrEqual(followed.y + followed.h - 1e-6);
			expect(Math.min(seen.w - followed.w, seen.h - followed.h)).toBeCloseTo(0, 6);
			// Same middle.
			expect(seen.x + seen.w / 2).toBeCloseTo(followed.x + followed.w / 2, 6);
			expect(seen.y + seen.h / 2).toBeCloseTo(followed.y + followed.h / 2, 6);
		}
		expect(fitRect(followed, 1300, 1280).k).toBe(1);
	});

	it('on a phone fits the followed view’s width, never below readable text, centred on its centre', () => {
		const readable = 12 / 15;
		// A laptop's view at full size: 1366 × 700 board units.
		const laptop: Rect = { x: 200, y: 100, w: 1366, h: 700 };
		const middle = { x: laptop.x + laptop.w / 2, y: laptop.y + laptop.h / 2 };
		const seen = (t: { x: number; y: number; k: number }, w: number, h: number) => ({ x: -t.x / t.k, y: -t.y / t.k, w: w / t.k, h: h / t.k });
		// Whole, it would be 29 %: note text of 4 px. The phone shows 12 px text, the view's middle at its middle.
		expect(fitRect(laptop, 390, 844).k).toBeCloseTo(0.29, 2);
		const phone = followFit(laptop, 390, 844, readable);
		expect(phone.k).toBe(readable);
		const v = seen(phone, 390, 844);
		expect(v.x + v.w / 2).toBeCloseTo(middle.x, 6);
		expect(v.y + v.h / 2).toBeCloseTo(middle.y, 6);
		// A laptop's view zoomed in (a few notes, 400 units wide): the phone fits its width, larger than the floor.
		const close: Rect = { x: 0, y: 0, w: 400, h: 220 };
		expect(followFit(close, 390, 844, readable).k).toBeCloseTo(390 / 400, 6);
		// A phone in landscape is as narrow in notes: the same floor.
		expect(followFit(laptop, 680, 390, readable).k).toBe(readable);
		// A follower as wide as a laptop or wider still sees the whole view, however small (the leader chose the overview).
		const overview: Rect = { x: 0, y: 0, w: 4000, h: 2000 };
		expect(followFit(overview, NARROW_FOLLOWER, 768, readable)).toEqual(fitRect(overview, NARROW_FOLLOWER, 768));
		expect(followFit(overview, 1366, 768, readable).k).toBeCloseTo(1366 / 4000, 6);
		// Never above the largest scale.
		expect(followFit({ x: 0, y: 0, w: 50, h: 50 }, 390, 844, readable, 3).k).toBe(3);
	});

	it('is not a pan or zoom of my own (that would stop following)', () => {
		const v = new Viewport();
		v.width = 800;
		v.height = 600;
		const before = v.personMoves;
		v.show({ x: 0, y: 0, w: 400, h: 300 });
		expect(v.personMoves).toBe(before);
		v.panBy(10, 0);
		expect(v.personMoves).toBe(before + 1);
	});
});

/** A provider stand-in: the awareness of one client, and the events Presence listens to. */
function client(clientID: number) {
	const doc = new Y.Doc();
	doc.clientID = clientID;
	const awareness = new Awareness(doc);
	const provider = { awareness, on: () => {}, off: () => {} } as unknown as HocuspocusProvider;
	return { awareness, provider };
}

/** Delivers `from`'s state to `to`, as the server would. */
const deliver = (from: Awareness, to: Awareness) => applyAwarenessUpdate(to, encodeAwarenessUpdate(from, [from.clientID]), 'remote');

describe('Presence', () => {
	afterEach(() => vi.useRealTimers());

	it('publishes a view at most once per interval, the last one always, and nothing unchanged', () => {
		vi.useFakeTimers();
		let now = 0;
		const a = client(1);
		const presence = new Presence(a.provider, { memberId: A, name: 'Anna' }, { now: () => now });
		const sent: unknown[] = [];
		a.awareness.on('change', () => sent.push(a.awareness.getLocalState()?.view));
		const view = (x: number) => ({ boardId: 'intentie', x, y: 0, width: 1000, height: 600 });
		presence.publishView(view(0));
		expect(sent).toEqual([view(0)]);
		for (let x = 1; x <= 20; x++) {
			now += 10;
			presence.publishView(view(x));
		}
		expect(sent).toHaveLength(1); // 200 ms of panning within one interval...
		now += VIEW_INTERVAL_MS;
		vi.advanceTimersByTime(VIEW_INTERVAL_MS);
		expect(sent).toEqual([view(0), view(20)]); // ...ends in one message: where the view came to rest
		now += 1000;
		presence.publishView(view(20.2)); // rounds to what was published
		vi.advanceTimersByTime(1000);
		expect(sent).toHaveLength(2);
		presence.destroy();
	});

	it("follows a member's latest view, whichever of their devices moved last", () => {
		const me = client(1);
		const theirLaptop = client(2);
		const theirPhone = client(3);
		const presence = new Presence(me.provider, { memberId: A, name: 'Anna' });
		theirLaptop.awareness.setLocalState({ user: { memberId: B, name: 'Bert' }, view: { boardId: 'intentie', x: 0, y: 0, width: 800, height: 600 } });
		theirPhone.awareness.setLocalState({ user: { memberId: B, name: 'Bert' }, view: null });
		deliver(theirLaptop.awareness, me.awareness);
		deliver(theirPhone.awareness, me.awareness);
		expect(presence.followedView).toBeNull();
		presence.follow(B);
		expect(presence.following).toBe(B);
		expect(presence.followedName).toBe('Bert');
		expect(presence.followedView).toEqual({ boardId: 'intentie', x: 0, y: 0, width: 800, height: 600 });
		theirPhone.awareness.setLocalStateField('view', { boardId: 'doelen', x: 5, y: 5, width: 300, height: 500 });
		deliver(theirPhone.awareness, me.awareness);
		expect(presence.followedView?.boardId).toBe('doelen');
		presence.follow(A); // never myself
		expect(presence.following).toBe(B);
		presence.unfollow();
		expect(presence.followedView).toBeNull();
	});

	it('shows the spotlight set last, and works for a page that only reads', () => {
		const screen = client(1);
		const facilitator = client(2);
		const presence = new Presence(screen.provider);
		facilitator.awareness.setLocalState({ user: { memberId: B, name: 'Fenna' }, view: null, spotlight: { boardId: 'intentie', lane: 'collective', noteId: NOTE } });
		deliver(facilitator.awareness, screen.awareness);
		expect(presence.spotlight).toMatchObject({ boardId: 'intentie', lane: 'collective', noteId: NOTE, memberId: B, name: 'Fenna' });
		presence.follow(B);
		facilitator.awareness.setLocalStateField('view', { boardId: 'intentie', x: 1, y: 2, width: 3, height: 4 });
		deliver(facilitator.awareness, screen.awareness);
		expect(presence.followedView).toEqual({ boardId: 'intentie', x: 1, y: 2, width: 3, height: 4 });
		// It published nothing of its own, whatever it is asked.
		presence.publishView({ boardId: 'intentie', x: 0, y: 0, width: 10, height: 10 });
		presence.setSpotlight({ boardId: 'intentie', lane: 'collective', noteId: NOTE });
		expect(screen.awareness.getLocalState()).toEqual({});
		facilitator.awareness.setLocalStateField('spotlight', null);
		deliver(facilitator.awareness, screen.awareness);
		expect(presence.spotlight).toBeNull();
	});
});
