import { describe, expect, it } from '../helpers/fixture.ts';
import type { TestClient } from '../helpers/clients.ts';
import type { PracticeFixture } from '../helpers/practice.ts';
import { anonymousDoc, practiceDoc, privateDoc } from '#lib/domain/docnames.ts';
import { createNote, listNotes } from '#lib/domain/notes.ts';
import { setAnonymous } from '#lib/domain/visibility.ts';
import { layoutRegions } from '#lib/domain/board-space.ts';
import { publicView } from '#lib/domain/presence.ts';
import { Presence } from '#lib/sync/presence.svelte.ts';
import type { BoardId, MemberId } from '#lib/domain/ids.ts';
import type { Session } from '#server/practices.ts';

/**
 * Presence on the practice document's awareness, through the real server over
 * real websockets: views reach others and can be followed, identity is the
 * server's, a spotlight only comes from a facilitator, and what a curious
 * member receives of views cannot point at an anonymous note's author.
 */
const NOTE = 'nnnnnnnnnnnnnnnn';
const board = 'intentie' as BoardId;

let fx: PracticeFixture;
let openPractice: (session: Session) => Promise<TestClient>;

it.beforeEach(async ({ practice, openSynced }) => {
	fx = await practice({ participants: 2 });
	openPractice = (session) => openSynced(practiceDoc(fx.practice.id), session.token);
});

const presenceOf = (client: TestClient, session: Session | null) =>
	new Presence(client.provider, session ? { memberId: session.member.id as MemberId, name: session.member.name } : null);

describe('views', () => {
	it("reach everyone; a follower has the followed member's view, a page that only reads too", async () => {
		const [anna, bert] = fx.participants;
		const a = presenceOf(await openPractice(anna), anna);
		const b = presenceOf(await openPractice(bert), bert);
		const screen = presenceOf(await openPractice(fx.observer), null);
		const view = { boardId: board, x: 120, y: -40, width: 1318, height: 600 };
		a.publishView(view);

		b.follow(anna.member.id as MemberId);
		await expect.poll(() => b.followedView, { message: "Anna's view at Bert's" }).toEqual(view);
		expect(b.followedName).toBe(anna.member.name);
		screen.follow(anna.member.id as MemberId);
		await expect.poll(() => screen.followedView, { message: "Anna's view on the screen" }).toEqual(view);

		a.publishView({ boardId: 'doelen', x: 0, y: 0, width: 800, height: 500 });
		await expect.poll(() => b.followedView?.boardId, { message: 'the other board' }).toBe('doelen');
		// A view on a board this practice does not have is dropped by the server.
		a.publishView({ boardId: 'nergens', x: 0, y: 0, width: 800, height: 500 });
		await expect.poll(() => b.peers.find((p) => p.memberId === anna.member.id)?.view, { message: 'the unknown board dropped' }).toBeNull();
		for (const p of [a, b, screen]) p.destroy();
	});

	it('carry the name and member id the server knows, whatever a client claims', async () => {
		const [anna, bert] = fx.participants;
		const b = presenceOf(await openPractice(bert), bert);
		const impostor = await openPractice(anna);
		impostor.provider.setAwarenessField('user', { memberId: fx.facilitator.member.id, name: fx.facilitator.member.name });
		impostor.provider.setAwarenessField('view', { boardId: board, x: 0, y: 0, width: 500, height: 500 });
		await expect.poll(() => b.peers.find((p) => p.clientId === impostor.doc.clientID)?.view?.width, { message: "the impostor's state" }).toBe(500);
		const seen = b.peers.find((p) => p.clientId === impostor.doc.clientID)!;
		expect([seen.memberId, seen.name]).toEqual([anna.member.id, anna.member.name]);
		// Following the facilitator does not follow the impostor.
		b.follow(fx.facilitator.member.id as MemberId);
		expect(b.followedView).toBeNull();
		b.destroy();
	});
});

describe('the spotlight', () => {
	it("comes from facilitators only, and never names a private lane's note", async () => {
		const [anna, bert] = fx.participants;
		const b = presenceOf(await openPractice(bert), bert);
		const a = presenceOf(await openPractice(anna), anna);
		const o = presenceOf(await openPractice(fx.observer), fx.observer);
		const f = presenceOf(await openPractice(fx.facilitator), fx.facilitator);
		const spot = { boardId: board, lane: 'collective' as const, noteId: NOTE };

		a.setSpotlight(spot);
		o.setSpotlight({ ...spot, noteId: 'oooooooooooooooo' });
		a.publishView({ boardId: board, x: 1, y: 1, width: 100, height: 100 }); // a later message of Anna's: her spotlight went before it
		o.publishView({ boardId: board, x: 2, y: 2, width: 100, height: 100 });
		await expect.poll(() => b.peers.filter((p) => p.view !== null).length, { message: "Anna's and Olga's states" }).toBe(2);
		expect(b.spotlight).toBeNull();
		expect(b.peers.map((p) => p.spotlight)).toEqual(b.peers.map(() => null));

		f.setSpotlight({ ...spot, lane: 'private' });
		f.publishView({ boardId: board, x: 3, y: 3, width: 100, height: 100 });
		await expect.poll(() => b.peers.find((p) => p.memberId === fx.facilitator.member.id)?.view?.x, { message: "Fenna's state" }).toBe(3);
		expect(b.spotlight).toBeNull();

		f.setSpotlight(spot);
		await expect.poll(() => b.spotlight, { message: "Fenna's spotlight" }).toMatchObject({ ...spot, memberId: fx.facilitator.member.id });
		await expect.poll(() => o.spotlight?.noteId, { message: 'the observer sees it too' }).toBe(NOTE);
		f.setSpotlight(null);
		await expect.poll(() => b.spotlight, { message: 'cleared' }).toBeNull();
		for (const p of [a, b, o, f]) p.destroy();
	});
});

describe('a curious member', () => {
	it("cannot tell from views who wrote an anonymous note: a view on one's private lane is never published", async ({ openSynced }) => {
		const [author, curious] = fx.participants;
		const watcher = presenceOf(await openPractice(curious), curious);
		const anonymous = await openSynced(anonymousDoc(fx.practice.id, board), curious.token);
		const authorPage = presenceOf(await openPractice(author), author);
		const priv = await openSynced(privateDoc(fx.practice.id, board, author.member.id), author.token);

		// Every view of the author the curious member receives.
		const views: unknown[] = [];
		const record = () => {
			const v = watcher.peers.find((p) => p.memberId === author.member.id)?.view;
			if (v && JSON.stringify(v) !== JSON.stringify(views.at(-1))) views.push(v);
		};
		watcher.provider.awareness!.on('change', record);

		// The author's canvas: their private lane left of Samen, their own lane first (see tests/unit/presence.test.ts).
		const input = (withPrivate: boolean) => [
			{ key: 'collective', kind: 'collective' as const, reach: 400 },
			...(withPrivate ? [{ key: 'private', kind: 'private' as const, reach: 400 }] : []),
			{ key: `lane:${author.member.id}`, kind: 'member' as const, reach: 0 },
			{ key: 'anonymous', kind: 'anonymous' as const, reach: 0 },
			{ key: `lane:${curious.member.id}`, kind: 'member' as const, reach: 0 }
		];
		const mine = layoutRegions(input(true));
		const group = layoutRegions([input(false)[0], input(false)[2], input(false)[1], input(false)[3]]);
		const privateLane = mine.find((r) => r.key === 'private')!;
		const look = (rect: { x: number; y: number; w: number; h: number }) => {
			const v = publicView(board, rect, mine, group);
			if (v) authorPage.publishView(v);
		};

		look({ x: 0, y: 0, w: 1300, h: 650 });
		await expect.poll(() => views.length, { message: 'the view on Samen' }).toBe(1);
		// The author pans to their private lane and writes an anonymous note there.
		look({ x: privateLane.x, y: 0, w: 1300, h: 650 });
		look({ x: privateLane.x + 20, y: 40, w: 1000, h: 500 });
		const noteId = createNote(priv.doc, { createdBy: author.member.id, at: Date.now(), text: 'Ik durf het niet hardop te zeggen' });
		setAnonymous(priv.doc, noteId, true);
		await priv.saved();
		await expect.poll(() => listNotes(anonymous.doc).length, { message: 'the anonymous note' }).toBe(1);
		// Everything the curious member saw of the author's view: Samen, and nothing since.
		expect(views).toEqual([{ boardId: board, x: 0, y: 0, width: 1300, height: 650 }]);
		watcher.provider.awareness!.off('change', record);
		watcher.destroy();
		authorPage.destroy();
	});
});
