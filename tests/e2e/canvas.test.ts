import { describe, expect, it } from '../helpers/fixture.ts';
import type { Page } from 'playwright-core';
import { createPracticeViaApi, type CreatedPractice, type RunningApp } from '../helpers/app.ts';
import type { Scope } from '../helpers/scope.ts';
import { BOARD, LAPTOP, openBoard, SIZES, writeNotes } from '../helpers/board.ts';
import { collectiveDoc, laneDoc } from '#lib/domain/docnames.ts';
import { NOTE_GAP, NOTE_H, NOTE_W } from '#lib/domain/board-space.ts';
import type { MemberId, PracticeId } from '#lib/domain/ids.ts';

/** Writes notes over the websocket, in rows of `perRow` on the grid, into the collective lane (or my lane). */
async function seed(scope: Scope, app: RunningApp, practice: CreatedPractice, count: number, options: { perRow?: number; mine?: boolean; text?: string } = {}) {
	const me = practice.facilitator.id as MemberId;
	const name = options.mine ? laneDoc(practice.id as PracticeId, BOARD, me) : collectiveDoc(practice.id as PracticeId, BOARD);
	const perRow = options.perRow ?? 10;
	const kind = options.mine ? 'member' : 'collective';
	const notes = Array.from({ length: count }, (_, i) => ({
		createdBy: me,
		at: i,
		text: `${options.text ?? 'Notitie'} ${i + 1}`,
		place: { x: NOTE_GAP + (i % perRow) * (NOTE_W + NOTE_GAP), y: NOTE_GAP + Math.floor(i / perRow) * (NOTE_H + NOTE_GAP), kind } as const
	}));
	await writeNotes(scope, app, name, practice.facilitator.token, notes);
}

const scale = (page: Page) => page.locator('.canvas').evaluate((el) => Number(el.getAttribute('data-scale')));

/** Every rendered note's rectangle relative to the collective region, in board units, measured on the screen. */
function measured(page: Page) {
	return page.evaluate(() => {
		const canvas = document.querySelector<HTMLElement>('.canvas')!;
		const k = Number(canvas.dataset.scale);
		const origin = document.querySelector('section[data-lane-key="collective"]')!.getBoundingClientRect();
		const out: Record<string, { x: number; y: number; w: number; h: number }> = {};
		for (const frame of document.querySelectorAll<HTMLElement>('[data-note-frame]')) {
			const r = frame.getBoundingClientRect();
			out[frame.dataset.noteFrame!] = { x: (r.x - origin.x) / k, y: (r.y - origin.y) / k, w: r.width / k, h: r.height / k };
		}
		return out;
	});
}

describe('the board canvas', () => {
	it('shows the same arrangement at 1366×768, on a phone (390×844, touch) and at 1920×1080', async ({ app, newPage, scope }) => {
		const practice = await createPracticeViaApi(app, { name: 'Drie schermen', facilitatorName: 'Kim' });
		await seed(scope, app, practice, 12, { perRow: 5 });
		await seed(scope, app, practice, 3, { mine: true, text: 'Van mij' });
		const seen: Record<string, { x: number; y: number; w: number; h: number }>[] = [];
		for (const size of SIZES) {
			const { page, context, errors } = await openBoard({ app, newPage }, practice, size);
			await page.getByRole('button', { name: 'Alles in beeld' }).click();
			await expect.poll(() => page.locator('[data-note-frame]').count()).toBe(15);
			seen.push(await measured(page));
			expect(errors).toEqual([]);
			await context.close();
		}
		const [laptop, phone, room] = seen;
		expect(Object.keys(laptop)).toHaveLength(15);
		for (const [id, r] of Object.entries(laptop)) {
			for (const other of [phone, room]) {
				// Screen pixels divided by the scale: the same board units everywhere.
				expect(Math.abs(other[id].x - r.x)).toBeLessThan(1);
				expect(Math.abs(other[id].y - r.y)).toBeLessThan(1);
			}
			expect(Math.round(r.w)).toBe(NOTE_W);
			expect(Math.round(r.h)).toBe(NOTE_H);
		}
		// Notes in a row of the grid: 256 units apart, on every screen.
		const xs = Object.values(room).map((r) => Math.round(r.x)).sort((a, b) => a - b);
		expect(new Set(xs).size).toBeGreaterThan(1);
	});

	it('pans by drag, wheel and keys, zooms by Ctrl+wheel and + −, fits everything and zooms to a lane', async ({ app, newPage, scope }) => {
		const practice = await createPracticeViaApi(app, { name: 'Bewegen', facilitatorName: 'Kim' });
		await seed(scope, app, practice, 4);
		const { page, errors } = await openBoard({ app, newPage }, practice, LAPTOP);
		const canvas = page.locator('.canvas');
		const samen = page.getByRole('heading', { name: 'Samen', level: 2 });
		await samen.waitFor();
		const box = (await canvas.boundingBox())!;
		const headingAt = async () => (await samen.boundingBox())!;

		// Drag on empty space (Samen's, below its row of notes) pans by the distance dragged.
		const before = await headingAt();
		const area = (await page.locator('section.lane.collective .area').boundingBox())!;
		const empty = { x: box.x + box.width / 2, y: Math.min(area.y + area.height, box.y + box.height) - 40 };
		await page.mouse.move(empty.x, empty.y);
		await page.mouse.down();
		await page.mouse.move(empty.x - 100, empty.y - 50, { steps: 5 });
		await page.mouse.up();
		await expect.poll(async () => Math.round((await headingAt()).x - before.x)).toBe(-100);
		expect(Math.round((await headingAt()).y - before.y)).toBe(-50);

		// The wheel pans; Ctrl+wheel zooms.
		const k0 = await scale(page);
		const beforeWheel = await headingAt();
		await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
		await page.mouse.wheel(0, 120);
		await expect.poll(async () => Math.round(beforeWheel.y - (await headingAt()).y)).toBe(120);
		expect(await scale(page)).toBe(k0);
		await page.keyboard.down('Control');
		await page.mouse.wheel(0, -20);
		await page.keyboard.up('Control');
		await expect.poll(() => scale(page)).toBeGreaterThan(k0);

		// Keys on the focused canvas: + zooms in, − out, arrows pan.
		await canvas.focus();
		const k1 = await scale(page);
		await page.keyboard.press('+');
		await expect.poll(() => scale(page)).toBeCloseTo(k1 * 1.25, 5);
		await page.keyboard.press('-');
		await expect.poll(() => scale(page)).toBeCloseTo(k1, 5);
		const beforeKeys = await headingAt();
		await page.keyboard.press('ArrowRight');
		await expect.poll(async () => (await headingAt()).x).toBeLessThan(beforeKeys.x);

		// Fit: every region inside the canvas.
		await page.getByRole('button', { name: 'Alles in beeld' }).click();
		const inside = () =>
			page.evaluate(() => {
				const c = document.querySelector('.canvas')!.getBoundingClientRect();
				return [...document.querySelectorAll('section.lane')].every((s) => {
					const r = s.getBoundingClientRect();
					return r.left >= c.left - 1 && r.top >= c.top - 1 && r.right <= c.right + 1 && r.bottom <= c.bottom + 1;
				});
			});
		await expect.poll(inside).toBe(true);

		// Zoom to my lane: it spans the canvas, left and right edges in view.
		await page.getByRole('button', { name: 'Inzoomen op Mijn notities' }).click();
		await expect
			.poll(async () => {
				const lane = (await page.locator('section.lane.mine').boundingBox())!;
				return lane.x >= box.x && lane.x + lane.width <= box.x + box.width && lane.width > box.width * 0.8;
			})
			.toBe(true);
		expect(errors).toEqual([]);
	});

	it('moves a note by keyboard and by drag in board units, and says where it went', async ({ app, newPage, scope }) => {
		const practice = await createPracticeViaApi(app, { name: 'Verplaatsen', facilitatorName: 'Kim' });
		await seed(scope, app, practice, 1, { text: 'Schuif mij' });
		const { page, errors } = await openBoard({ app, newPage }, practice, LAPTOP);
		const frame = page.locator('[data-note-frame]', { hasText: 'Schuif mij' });
		const at = async () => frame.evaluate((el) => ({ x: Number(el.dataset.x), y: Number(el.dataset.y), lane: el.dataset.lane }));
		await frame.waitFor();
		expect(await at()).toEqual({ x: NOTE_GAP, y: NOTE_GAP, lane: 'collective' });

		await frame.locator('article.note').focus();
		await page.keyboard.press('ArrowRight');
		await page.keyboard.press('ArrowRight');
		await page.keyboard.press('Shift+ArrowDown');
		await expect.poll(at).toEqual({ x: NOTE_GAP * 3, y: NOTE_GAP + NOTE_H + NOTE_GAP, lane: 'collective' });
		await expect.poll(() => page.locator('[aria-live="polite"]').first().textContent()).toBe('Samen, rij 2, kolom 1');
		// The card keeps the focus: the keys can go on moving it.
		expect(await frame.locator('article.note').evaluate((el) => el === document.activeElement)).toBe(true);

		// A drag of 100 screen pixels is 100 / scale board units.
		const k = await scale(page);
		const card = (await frame.boundingBox())!;
		await page.mouse.move(card.x + 40, card.y + 40);
		await page.mouse.down();
		await page.mouse.move(card.x + 140, card.y + 40, { steps: 5 });
		await page.mouse.up();
		await expect.poll(async () => (await at()).x).toBe(Math.round(NOTE_GAP * 3 + 100 / k));

		// Dropped on my lane, it moves there, where it was dropped.
		await page.getByRole('button', { name: 'Alles in beeld' }).click();
		const mine = (await page.locator('section.lane.mine .area').boundingBox())!;
		const now = (await frame.boundingBox())!;
		await page.mouse.move(now.x + 5, now.y + 5);
		await page.mouse.down();
		await page.mouse.move(mine.x + 30, mine.y + 30, { steps: 8 });
		await page.mouse.up();
		const moved = page.locator('section.lane.mine [data-note-frame]', { hasText: 'Schuif mij' });
		await expect.poll(() => moved.count()).toBe(1);
		await expect.poll(() => page.locator('section.lane.collective [data-note-frame]').count()).toBe(0);
		expect(errors).toEqual([]);
	});

	it('renders only the notes near the view of a 1,000-note lane, and Tab reaches notes out of view', async ({ app, newPage, scope }) => {
		const practice = await createPracticeViaApi(app, { name: 'Groot', facilitatorName: 'Kim' });
		await seed(scope, app, practice, 1000);
		const { page, errors } = await openBoard({ app, newPage }, practice, LAPTOP);
		await page.locator('[data-note-frame]').first().waitFor();
		const rendered = await page.locator('[data-note-frame]').count();
		expect(rendered).toBeGreaterThan(10);
		expect(rendered).toBeLessThan(200);

		// Tabbing from note to note pans the view along: the focused note is always on screen.
		await page.locator('[data-note-frame] article.note').first().focus();
		for (let i = 0; i < 25; i++) await page.keyboard.press('Tab');
		const onScreen = () =>
			page.evaluate(() => {
				const c = document.querySelector('.canvas')!.getBoundingClientRect();
				const r = document.activeElement!.getBoundingClientRect();
				return document.activeElement!.matches('article.note, article.note *') && r.top >= c.top && r.bottom <= c.bottom && r.left >= c.left && r.right <= c.right;
			});
		await expect.poll(onScreen).toBe(true);
		expect(errors).toEqual([]);
	});

	it('adds a note with N, opens on the board heading, and has a skip link per lane', async ({ app, newPage }) => {
		const practice = await createPracticeViaApi(app, { name: 'Sneltoets', facilitatorName: 'Kim' });
		const { page, errors } = await openBoard({ app, newPage }, practice, LAPTOP);
		await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('aspect-name');
		await expect.poll(() => page.getByRole('navigation', { name: 'Snel naar' }).getByRole('link').count()).toBe(4);
		await page.getByRole('link', { name: 'Naar Mijn notities' }).focus();
		await page.keyboard.press('Enter');
		await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe(`lane-${practice.facilitator.id}`);
		await page.keyboard.press('n');
		await expect.poll(() => page.evaluate(() => document.activeElement?.closest('.ProseMirror') != null)).toBe(true);
		await page.keyboard.type('Met een sneltoets');
		await page.keyboard.press('Escape');
		await expect.poll(() => page.locator('section.lane.mine article.note', { hasText: 'Met een sneltoets' }).count()).toBe(1);
		// Each lane is a landmark named by its heading.
		expect(await page.getByRole('region', { name: 'Mijn notities' }).count()).toBe(1);
		expect(errors).toEqual([]);
	});
});
