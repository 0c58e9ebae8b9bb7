import type { Browser, CDPSession, Page } from 'playwright-core';
import type { RunningApp } from '../tests/helpers/app.ts';
import type { SeededBoard } from './seed.ts';
import { expectedOf, openTimed, signedIn, type BrowserRun } from './browser-board.ts';
import { ms, percentile, table } from './stats.ts';

/** The gestures of the scripted session, in order. */
export const PHASES = ['wheel pan', 'drag pan', 'ctrl+wheel zoom', 'wheel pan zoomed out', 'zoom buttons'] as const;
export type Phase = (typeof PHASES)[number];

export interface FrameSummary {
	/** Frames in which the view moved. */
	readonly frames: number;
	/** Main-thread time per frame (ms): from the frame's start to the end of its rendering (see README). */
	readonly work: { p50: number; p95: number; max: number };
	/** Time between frames (ms), the frame interval: 16.7 at 60 Hz when none is dropped. */
	readonly interval: { p50: number; p95: number; max: number };
	/** Frames later than 1.5 intervals of 60 Hz (25 ms) after the previous one. */
	readonly late: number;
	/** The most note cards in the DOM at once. */
	readonly maxNotesInDom: number;
}

export interface PanZoomResult {
	readonly open: BrowserRun;
	readonly phases: Record<Phase, FrameSummary>;
	readonly all: FrameSummary;
	/** Chromium's accounting over the whole session (CDP Performance.getMetrics), ms per frame that moved the view. */
	readonly perFrame: { task: number; script: number; style: number; layout: number; mainThreadCpu: number; rendererCpu: number };
	readonly sessionMs: number;
	readonly lowestScale: number;
	/** The scale before the zoom buttons, after eight − and after eight +. */
	readonly buttonScales: readonly number[];
	readonly pageErrors: readonly string[];
}

interface FrameRecord {
	phase: string;
	interval: number;
	work: number;
	moved: boolean;
	notes: number;
}

/**
 * Runs in the page: records every frame. A frame's start is the timestamp
 * requestAnimationFrame passes (the frame's begin time, before input events
 * aligned to the frame ran); a task posted from the callback runs once the
 * frame's style, layout and paint on the main thread are done. The span is
 * the main-thread work of the frame. `moved`: the canvas layer's transform
 * changed since the previous frame.
 */
function installRecorder(): void {
	const w = window as unknown as { __frames: { phase: string; records: FrameRecord[] } };
	const rec = { phase: '', records: [] as FrameRecord[] };
	w.__frames = rec;
	const cards = document.getElementsByClassName('note-frame');
	let last = 0;
	let transform = '';
	const channel = new MessageChannel();
	// One entry per posted message, in order (a frame's message may run after the next frame began).
	const pending: { phase: string; ts: number; interval: number }[] = [];
	channel.port1.onmessage = () => {
		const p = pending.shift();
		if (!p) return;
		const layer = document.querySelector<HTMLElement>('.canvas .layer');
		const now = layer?.style.transform ?? '';
		const moved = now !== transform;
		transform = now;
		if (p.phase) rec.records.push({ phase: p.phase, interval: p.interval, work: performance.now() - p.ts, moved, notes: cards.length });
	};
	const frame = (ts: number) => {
		pending.push({ phase: rec.phase, ts, interval: last ? ts - last : NaN });
		last = ts;
		channel.port2.postMessage(0);
		requestAnimationFrame(frame);
	};
	requestAnimationFrame(frame);
}

const FRAME = 1000 / 60;
const pause = (t: number) => new Promise((r) => setTimeout(r, t));

/** Runs `count` steps, each started about one 60 Hz frame after the previous one (later if a step takes longer). */
async function paced(count: number, step: (i: number) => Promise<void>): Promise<void> {
	const t0 = performance.now();
	for (let i = 0; i < count; i++) {
		const wait = t0 + i * FRAME - performance.now();
		if (wait > 0) await pause(wait);
		await step(i);
	}
}

const setPhase = (page: Page, phase: string) => page.evaluate((p) => ((window as unknown as { __frames: { phase: string } }).__frames.phase = p), phase);

/** A point on the canvas where a press pans: empty board, not a note, a header or a control. */
async function emptySpot(page: Page): Promise<{ x: number; y: number }> {
	const spot = await page.evaluate(() => {
		const canvas = document.querySelector<HTMLElement>('.canvas')!;
		const box = canvas.getBoundingClientRect();
		const noPan = '.note-frame, button, a, input, .region-header, .controls, .minimap';
		for (let fy = 0.3; fy < 0.95; fy += 0.05) {
			for (let fx = 0.1; fx < 0.9; fx += 0.02) {
				const x = box.left + box.width * fx;
				const y = box.top + box.height * fy;
				const hit = document.elementFromPoint(x, y);
				if (hit && canvas.contains(hit) && !hit.closest(noPan)) return { x, y };
			}
		}
		return null;
	});
	if (!spot) throw new Error('no empty spot on the canvas to drag');
	return spot;
}

/**
 * Opens the large board (waiting until every note in view is rendered), then
 * runs a scripted session of wheel pans, drags, Ctrl+wheel zoom (out to a
 * tenth, a pan there, back in) and the zoom buttons, about one input per 60 Hz
 * frame, and summarises the frames in which the view moved.
 */
export async function benchPanZoom(browser: Browser, app: RunningApp, board: SeededBoard): Promise<PanZoomResult> {
	const { context, errors } = await signedIn(browser, app, board);
	let cdp: CDPSession | null = null;
	try {
		const opened = await openTimed(context, `${app.url}${board.boardPath}`, expectedOf(board), errors, true);
		const page = opened.page;
		cdp = opened.cdp;
		const canvas = (await page.locator('.canvas').boundingBox())!;
		const centre = { x: canvas.x + canvas.width / 2, y: canvas.y + canvas.height / 2 };
		await page.evaluate(installRecorder);
		await page.mouse.move(centre.x, centre.y);
		const before = (await cdp.send('Performance.getMetrics')).metrics;
		const started = performance.now();

		// Wheel without Ctrl pans: down through the collective lane, right, back up, back left.
		await setPhase(page, 'wheel pan');
		for (const [dx, dy] of [[0, 60], [60, 0], [0, -60], [-60, 0]] as const) {
			await paced(45, () => page.mouse.wheel(dx, dy));
		}

		// Drag on empty board: down-left and back, in 40 moves of 15 px each way.
		await setPhase(page, 'drag pan');
		for (const [dx, dy] of [[-15, -10], [15, 10]] as const) {
			const from = await emptySpot(page);
			await page.mouse.move(from.x, from.y);
			await page.mouse.down();
			await paced(40, (i) => page.mouse.move(from.x + dx * (i + 1), from.y + dy * (i + 1)));
			await page.mouse.up();
		}

		// Ctrl+wheel zooms around the pointer (d3-zoom: each event of 10 px scales by 2^(±0.2)): out, then back in.
		await page.mouse.move(centre.x, centre.y);
		await setPhase(page, 'ctrl+wheel zoom');
		await page.keyboard.down('Control');
		await paced(headroom(await scale(page), 0.1), () => page.mouse.wheel(0, 10));
		await page.keyboard.up('Control');
		const lowestScale = await scale(page);

		// Zoomed out, a wheel pan moves over many notes at once.
		await setPhase(page, 'wheel pan zoomed out');
		for (const [dx, dy] of [[0, 80], [80, 0], [0, -80], [-80, 0]] as const) await paced(30, () => page.mouse.wheel(dx, dy));

		await setPhase(page, 'ctrl+wheel zoom');
		await page.keyboard.down('Control');
		await paced(headroom(0.7, await scale(page)), () => page.mouse.wheel(0, -10));
		await page.keyboard.up('Control');

		// The toolbar's buttons: out eight steps, in eight steps.
		await setPhase(page, 'zoom buttons');
		const out = (await page.getByRole('button', { name: 'Uitzoomen', exact: true }).boundingBox())!;
		const into = (await page.getByRole('button', { name: 'Inzoomen', exact: true }).boundingBox())!;
		const buttonScales = [await scale(page)];
		for (const b of [out, into]) {
			await paced(8, () => page.mouse.click(b.x + b.width / 2, b.y + b.height / 2));
			buttonScales.push(await scale(page));
		}

		await setPhase(page, '');
		const sessionMs = performance.now() - started;
		// Let the last frames be recorded.
		await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
		const after = (await cdp.send('Performance.getMetrics')).metrics;
		const records = await page.evaluate(() => (window as unknown as { __frames: { records: FrameRecord[] } }).__frames.records);
		const moved = records.filter((r) => r.moved);
		const delta = (name: string) =>
			((after.find((m) => m.name === name)?.value ?? NaN) - (before.find((m) => m.name === name)?.value ?? NaN)) * 1000;
		const perMoved = (name: string) => delta(name) / Math.max(1, moved.length);
		const phases = Object.fromEntries(PHASES.map((p) => [p, summarizeFrames(records.filter((r) => r.phase === p))])) as Record<Phase, FrameSummary>;
		return {
			open: opened.run,
			phases,
			all: summarizeFrames(records),
			perFrame: { task: perMoved('TaskDuration'), script: perMoved('ScriptDuration'), style: perMoved('RecalcStyleDuration'), layout: perMoved('LayoutDuration'), mainThreadCpu: perMoved('ThreadTime'), rendererCpu: perMoved('ProcessTime') },
			sessionMs,
			lowestScale,
			buttonScales,
			pageErrors: errors
		};
	} finally {
		await cdp?.detach().catch(() => {});
		await context.close();
	}
}

const scale = (page: Page) => page.locator('.canvas').evaluate((el) => Number((el as HTMLElement).dataset.scale));
/** Ctrl+wheel events of 10 px from scale `from` down to scale `to` (each one scales by 2^0.2). */
const headroom = (from: number, to: number) => Math.max(1, Math.round(Math.log2(from / to) / 0.2));

function summarizeFrames(records: readonly FrameRecord[]): FrameSummary {
	const moved = records.filter((r) => r.moved);
	const sorted = (values: number[]) => values.filter(Number.isFinite).sort((a, b) => a - b);
	const stats = (values: number[]) => {
		const s = sorted(values);
		return { p50: percentile(s, 50), p95: percentile(s, 95), max: s[s.length - 1] ?? NaN };
	};
	return {
		frames: moved.length,
		work: stats(moved.map((r) => r.work)),
		interval: stats(moved.map((r) => r.interval)),
		late: moved.filter((r) => r.interval > 1.5 * FRAME).length,
		maxNotesInDom: Math.max(0, ...records.map((r) => r.notes))
	};
}

export function printPanZoom(r: PanZoomResult, notes: number, log: (line?: string) => void): void {
	log(`Opened: every note in view rendered ${ms(r.open.wallMs)} ms after goto (page clock ${ms(r.open.pageMs)} ms); ${r.open.inView} notes in view, ${r.open.inDom} in the DOM.`);
	log(`Session: ${ms(r.sessionMs)} ms of scripted input, about one event per 60 Hz frame; zoomed out to ${Math.round(r.lowestScale * 100)} %;`);
	log(`zoom buttons: ${r.buttonScales.map((k) => `${Math.round(k * 100)} %`).join(' → ')} (eight − then eight +).`);
	log('Counted: frames in which the view moved. "work" = main-thread time of a frame, from its start (the requestAnimationFrame');
	log('timestamp, before the frame\'s input events) until its style, layout and paint were done; target p95 ≤ 16 ms.');
	log('"interval" = time since the previous frame (16.7 ms at 60 Hz; a longer one means frames were dropped); late = over 25 ms.');
	const row = (name: string, s: FrameSummary) => [
		name,
		s.frames,
		ms(s.work.p50),
		ms(s.work.p95),
		ms(s.work.max),
		ms(s.interval.p50),
		ms(s.interval.p95),
		ms(s.interval.max),
		s.late,
		s.maxNotesInDom
	];
	log(
		table(
			[`${notes.toLocaleString('en')}-note board`, 'frames', 'work p50', 'work p95', 'work max', 'interval p50', 'interval p95', 'interval max', 'late', 'max notes in DOM'],
			[...PHASES.map((p) => row(p, r.phases[p])), row('whole session', r.all)]
		)
	);
	log(
		`Chromium's accounting over the session, per frame that moved: tasks ${ms(r.perFrame.task)}, JS ${ms(r.perFrame.script)}, style ${ms(r.perFrame.style)}, layout ${ms(r.perFrame.layout)} ms;`
	);
	log(
		`CPU time (not wall time, so less skewed by other work on the machine): main thread ${ms(r.perFrame.mainThreadCpu)}, whole renderer process ${ms(r.perFrame.rendererCpu)} ms per frame that moved.`
	);
	log(`Page errors: ${r.pageErrors.length ? r.pageErrors.join(' | ') : 'none'}.`);
}
