/**
 * Zwerm's benchmark: `npm run bench`. Prints figures, no thresholds:
 *   1a. opening a 2,000-note board over websockets (cold from SQLite / warm)
 *   1b. opening the same board in Chromium against the production app, until
 *       every note in view is rendered
 *   1c. panning and zooming a 10,000-note board in Chromium: frame times
 *   2.  time until the server acknowledges an update, with and without the
 *       durable log, sequential and concurrent
 *   3.  the timeline: any moment, comparing meetings, on 50,000 changes
 *   4.  placing a note on a lane with 2,000 notes (bench/placement.ts)
 *   5.  grouping 50,000 changes into edits (bench/edits.ts)
 *   6.  the story report of a whole practice: 8 boards, 10 meetings, 50,000 changes (bench/report.ts)
 *   7.  figures and the coverage map of ten meetings × eight boards × 50,000 changes (bench/figures.ts)
 * A readable report goes to stdout, followed by one JSON line with every figure.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, statfsSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { startTestServer, removeDir, tempDir, type TestServer } from '../tests/helpers/server.ts';
import { startApp, type RunningApp } from '../tests/helpers/app.ts';
import { launchBrowser, CHROMIUM_PATH } from '../tests/helpers/browser.ts';
import { seedBoard, BOARD_PLAN, LARGE_BOARD_PLAN, type SeedPlan } from './seed.ts';
import { benchOpenBoard } from './open-board.ts';
import { benchBrowser, ensureBuild, printBrowser } from './browser-board.ts';
import { benchPanZoom, printPanZoom } from './canvas-frames.ts';
import { EditingCrowd, sequentialEdits, setupAck, type AckSetup, type ConcurrentResult } from './ack.ts';
import { CONFIG_LABEL, startConfig, type ServerConfig, type StorageActivity } from './servers.ts';
import { bytes, median, ms, ratio, round3, summarize, table, type Summary } from './stats.ts';
import { benchHistory, printHistory, HISTORY_PLAN } from './history.ts';
import { benchPlacement, printPlacement } from './placement.ts';
import { benchEdits, printEdits } from './edits.ts';
import { benchReport, printReport, REPORT_PLAN } from './report.ts';
import { benchFigures, printFigures, FIGURES_PLAN } from './figures.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(ROOT); // startApp runs `server/main.ts` relative to the working directory.

const SETTINGS = {
	openBoardRuns: 5,
	browserRuns: 5,
	sequentialEdits: 2000,
	sequentialWarmup: 100,
	/** Sequential edits are interleaved across configurations in this many rounds. */
	sequentialRounds: 10,
	concurrentClients: 10,
	concurrentHz: 10,
	concurrentSeconds: 5,
	/** The concurrent run is split into this many segments, interleaved across configurations. */
	concurrentRounds: 5,
	/** Notes already in the collective document for the 'log-full-big' configuration. */
	bigDocNotes: 1000,
	/**
	 * Hocuspocus store debounce in section 2 (production: 2 s). A document's
	 * quiet-time store folds its log; with the default, one configuration's
	 * fold would land in another's measurement (all share this process).
	 * Folds every 500 updates and the forced store every 10 s of continuous
	 * editing (Hocuspocus maxDebounce) still happen, within their own runs.
	 */
	ackStoreDebounceMs: 600000
};

// ---------------------------------------------------------------------------
// Cleanup: every resource registers its undo; run in reverse, also on error or Ctrl-C.
// ---------------------------------------------------------------------------

interface Cleanup {
	readonly what: string;
	readonly fn: () => Promise<void> | void;
	/** Synchronous fallback for when the process exits before `fn` ran (see the 'exit' handler). */
	readonly lastResort?: () => void;
	done: boolean;
}
const cleanups: Cleanup[] = [];
const onCleanup = (what: string, fn: () => Promise<void> | void, lastResort?: () => void) =>
	cleanups.push({ what, fn, lastResort, done: false });
let cleaning: Promise<void> | null = null;

function cleanup(): Promise<void> {
	cleaning ??= (async () => {
		for (const c of [...cleanups].reverse()) {
			if (c.done) continue;
			let timer: ReturnType<typeof setTimeout> | undefined;
			try {
				await Promise.race([c.fn(), new Promise((r) => (timer = setTimeout(r, 15000)))]);
				c.done = true;
			} catch (error) {
				console.error(`  cleanup of ${c.what} failed: ${String(error)}`);
			} finally {
				clearTimeout(timer);
			}
		}
	})();
	return cleaning;
}

/*
 * Playwright's own SIGINT handler closes its browsers and then calls
 * process.exit(130) (launchBrowser() keeps Playwright's default handleSIGINT),
 * which can cut the cleanup above short. Whatever is left then is undone here,
 * synchronously: the app child is killed, temp directories removed.
 */
process.on('exit', () => {
	for (const c of [...cleanups].reverse()) {
		if (c.done || !c.lastResort) continue;
		try {
			c.lastResort();
		} catch {
			/* best effort */
		}
	}
});

let interrupted = false;
for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
	process.once(signal, () => {
		interrupted = true;
		console.error(`\n${signal}: cleaning up…`);
		void cleanup().then(() => process.exit(code));
	});
}

// ---------------------------------------------------------------------------

const log = (line = '') => console.log(line);
const heading = (title: string) => log(`\n${title}\n${'═'.repeat(title.length)}`);

function version(pkg: string): string {
	try {
		return (JSON.parse(readFileSync(join(ROOT, 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string }).version;
	} catch {
		return '?';
	}
}

const FS_TYPES: Record<number, string> = { 0xef53: 'ext4', 0x01021994: 'tmpfs', 0x794c7630: 'overlayfs', 0x58465342: 'xfs', 0x9123683e: 'btrfs' };

function machine() {
	const cpus = os.cpus();
	let commit = '?';
	try {
		const git = (...args: string[]) => execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
		commit = git('rev-parse', '--short', 'HEAD') + (git('status', '--porcelain', '--untracked-files=no') ? ' (with uncommitted changes)' : '');
	} catch {
		/* not a git checkout */
	}
	let tmpFs = '?';
	try {
		const type = Number(statfsSync(os.tmpdir()).type);
		tmpFs = FS_TYPES[type] ?? `0x${type.toString(16)}`;
	} catch {
		/* unknown */
	}
	return {
		node: process.version,
		platform: `${os.platform()} ${os.release()} ${os.arch()}`,
		cpuModel: cpus[0]?.model ?? '?',
		cpuCount: cpus.length,
		availableParallelism: os.availableParallelism(),
		memoryGiB: Math.round(os.totalmem() / 2 ** 30),
		tmpdir: os.tmpdir(),
		tmpdirFs: tmpFs,
		commit,
		loadAverageAtStart: os.loadavg().map((l) => Math.round(l * 100) / 100),
		loadAverageAtEnd: [] as number[],
		versions: { yjs: version('yjs'), hocuspocusServer: version('@hocuspocus/server'), hocuspocusProvider: version('@hocuspocus/provider'), svelte: version('svelte'), kit: version('@sveltejs/kit') },
		chromium: '' as string
	};
}

async function main() {
	const started = performance.now();
	const facts = machine();
	log('Zwerm benchmark: figures only, no pass/fail. Times in milliseconds (ms) unless marked.');
	log(`Machine: ${facts.cpuModel} × ${facts.cpuCount} CPUs, ${facts.memoryGiB} GiB RAM, ${facts.platform}`);
	log(`Node ${facts.node}; yjs ${facts.versions.yjs}, @hocuspocus/server ${facts.versions.hocuspocusServer}, provider ${facts.versions.hocuspocusProvider}; commit ${facts.commit}`);
	log(`Load average at start (1/5/15 min): ${facts.loadAverageAtStart.join(' / ')} on ${facts.cpuCount} CPUs: other work on the machine skews every figure.`);
	log(`Data directories under ${facts.tmpdir} (${facts.tmpdirFs}); the benchmark, its servers and its clients share this one Node process,`);
	log('except in 1b and 1c, where the app is a child process and Chromium renders.');

	// ---------------------------------------------------------------- 1a
	heading(`1a. Open a ${BOARD_PLAN.collective + BOARD_PLAN.members * BOARD_PLAN.perMember}-note board over websockets (Node client)`);
	const boardDir = tempDir('zwerm-bench-board-');
	onCleanup('board data dir', () => removeDir(boardDir), () => removeDir(boardDir));
	let current: TestServer = await startTestServer({ dataDir: boardDir });
	onCleanup('board server', () => current.stop());
	const seedStart = performance.now();
	const board = await seedBoard(current, BOARD_PLAN);
	const seedMs = performance.now() - seedStart;
	log(`Seeded: 1 practice, facilitator + ${BOARD_PLAN.members} participants; Intentie board with ${BOARD_PLAN.collective} collective notes`);
	log(`and ${BOARD_PLAN.perMember} notes in each participant's lane, one note per transaction through real clients (${ms(seedMs)} ms).`);
	const open = await benchOpenBoard(current, board, SETTINGS.openBoardRuns, (s) => (current = s));
	log(`A client opens what the board page opens: ${open.docs} documents (practice, collective, ${open.docs - 2} lanes) over one websocket,`);
	log(`authenticated by session token; timed until every provider is synced and all ${open.notes} notes are in its documents.`);
	log(`"cold" = first open after a server restart (documents read from SQLite; the file is in the OS page cache);`);
	log(`"warm" = a second client while the first keeps the documents loaded. ${SETTINGS.openBoardRuns} runs each.`);
	log(`"first doc synced" = until the first of the ${open.docs} documents was synced (cold: mostly the server loading them all).`);
	log(
		table(
			['open board to full sync', 'median ms', 'min ms', 'max ms', 'first doc synced, median ms', 'runs (ms)'],
			[
				['cold (from SQLite)', ms(open.coldMedianMs), ms(Math.min(...open.coldMs)), ms(Math.max(...open.coldMs)), ms(median(open.coldFirstSyncMs)), open.coldMs.map(ms).join(' ')],
				['warm (already loaded)', ms(open.warmMedianMs), ms(Math.min(...open.warmMs)), ms(Math.max(...open.warmMs)), ms(median(open.warmFirstSyncMs)), open.warmMs.map(ms).join(' ')]
			]
		)
	);
	log();
	log(
		table(
			['encoded document state', 'V1 bytes', 'V2 bytes', 'V2/V1'],
			[
				[`collective (${BOARD_PLAN.collective} notes)`, `${open.sizes.collective.v1} (${bytes(open.sizes.collective.v1)})`, `${open.sizes.collective.v2} (${bytes(open.sizes.collective.v2)})`, ratio(open.sizes.collective.v2, open.sizes.collective.v1)],
				[`${open.docs - 2} lanes together (${BOARD_PLAN.members * BOARD_PLAN.perMember} notes)`, `${open.sizes.lanes.v1} (${bytes(open.sizes.lanes.v1)})`, `${open.sizes.lanes.v2} (${bytes(open.sizes.lanes.v2)})`, ratio(open.sizes.lanes.v2, open.sizes.lanes.v1)],
				['whole board', `${open.sizes.all.v1} (${bytes(open.sizes.all.v1)})`, `${open.sizes.all.v2} (${bytes(open.sizes.all.v2)})`, ratio(open.sizes.all.v2, open.sizes.all.v1)]
			]
		)
	);
	log(`SQLite file after seeding (zwerm.db + WAL, log rows and checkpoints): ${bytes(open.sqliteBytes)}`);
	log(`One durable-log checkpoint of the ${BOARD_PLAN.collective}-note collective document (the log folded into a full state; synchronous, so`);
	log(`it stalls every connection on the server): ${open.collectiveCheckpointMs.map(ms).join(', ')} ms. It runs after every 500 updates of a document,`);
	log('and whenever Hocuspocus stores the document: 2 s after the last change, at least every 10 s while edits continue, and on unload.');

	// ---------------------------------------------------------------- 1b
	heading('1b. Open the same board in Chromium (production build, app in a child process)');
	// The large board of 1c goes into the same data directory (another practice), so one app serves both.
	const notesOf = (plan: SeedPlan) => plan.collective + plan.members * plan.perMember;
	current = await startTestServer({ dataDir: boardDir });
	const largeStart = performance.now();
	const large = await seedBoard(current, LARGE_BOARD_PLAN);
	const largeSeedMs = performance.now() - largeStart;
	await current.stop();
	const buildMs = ensureBuild(ROOT);
	const appStart = performance.now();
	const app: RunningApp = await startApp({ dataDir: boardDir });
	onCleanup('app child process', () => app.stop(), () => {
		if (app.child.exitCode === null && app.child.signalCode === null) app.child.kill('SIGKILL');
	});
	const appStartMs = performance.now() - appStart;
	const browser: Browser = await launchBrowser();
	onCleanup('Chromium', () => browser.close());
	facts.chromium = browser.version();
	const chrome = await benchBrowser(browser, app, board, SETTINGS.browserRuns);
	log(`Chromium ${facts.chromium} (${CHROMIUM_PATH}), headless, 1400×1000; entered through the facilitator's one-time sign-in link.`);
	printBrowser(chrome, log);
	log(`(app started in ${ms(appStartMs)} ms${buildMs === null ? '' : `; production build made first in ${ms(buildMs)} ms`})`);

	// ---------------------------------------------------------------- 1c
	heading(`1c. Pan and zoom a ${notesOf(LARGE_BOARD_PLAN).toLocaleString('en')}-note board in Chromium`);
	log(`Seeded into the same data directory: another practice, ${LARGE_BOARD_PLAN.collective} collective notes and ${LARGE_BOARD_PLAN.members} lanes of ${LARGE_BOARD_PLAN.perMember},`);
	log(`${LARGE_BOARD_PLAN.perTransaction} notes per transaction (${ms(largeSeedMs)} ms). Same app and Chromium as 1b, a new browser context.`);
	const panZoom = await benchPanZoom(browser, app, large);
	printPanZoom(panZoom, notesOf(LARGE_BOARD_PLAN), log);
	await browser.close();
	await app.stop();

	// ---------------------------------------------------------------- 2
	heading('2. Acknowledgement latency per update (Node client → in-process server → SyncStatus back)');
	const configs: ServerConfig[] = ['no-log', 'log-full', 'log-normal', 'log-full-big'];
	const setups: AckSetup[] = [];
	for (const config of configs) {
		const server = await startConfig(config, { storeDebounce: SETTINGS.ackStoreDebounceMs });
		onCleanup(
			`${config} server`,
			async () => {
				await server.stop();
				removeDir(server.dataDir);
			},
			() => removeDir(server.dataDir)
		);
		setups.push(await setupAck(config, server, SETTINGS.concurrentClients, config === 'log-full-big' ? SETTINGS.bigDocNotes : 0));
	}
	/** Takes what the log did since the last call (commits, checkpoints) out of a setup's instrumentation. */
	const take = (activity: StorageActivity) => ({
		commits: activity.commits.splice(0),
		batchSizes: activity.batchSizes.splice(0),
		checkpoints: activity.checkpoints.splice(0)
	});
	for (const s of setups) await sequentialEdits(s, SETTINGS.sequentialWarmup, false);
	const perRound = Math.ceil(SETTINGS.sequentialEdits / SETTINGS.sequentialRounds);
	for (let round = 0; round < SETTINGS.sequentialRounds; round++) {
		// Rotate the order so no configuration always runs first (or right after another).
		for (let k = 0; k < setups.length; k++) await sequentialEdits(setups[(round + k) % setups.length], perRound, true);
	}
	const sequential = new Map<ServerConfig, Summary>(setups.map((s) => [s.config, summarize(s.solo.tracker.latencies)]));
	const seqActivity = new Map(setups.map((s) => [s.config, take(s.activity)]));

	const crowds = setups.map((s) => new EditingCrowd(s));
	for (const crowd of crowds) await crowd.join(SETTINGS.concurrentClients);
	const segment = SETTINGS.concurrentSeconds / SETTINGS.concurrentRounds;
	for (let round = 0; round < SETTINGS.concurrentRounds; round++) {
		for (let k = 0; k < crowds.length; k++) await crowds[(round + k) % crowds.length].segment(SETTINGS.concurrentHz, segment);
	}
	const concurrent = new Map<ServerConfig, ConcurrentResult>(crowds.map((c) => [c.setup.config, c.result()]));
	const conActivity = new Map(setups.map((s) => [s.config, take(s.activity)]));
	for (const crowd of crowds) crowd.leave();

	log('Time from a local change until the provider\'s unsyncedChanges count settles it (the server\'s SyncStatus reply, which the');
	log('durable log holds back until the update is committed to SQLite). Edits alternate moving a note and typing one character');
	log('into its text, on a collective document. All servers run side by side in this process, over loopback websockets.');
	log(`The last configuration is the default one on a document that already holds ${SETTINGS.bigDocNotes} notes (checkpoints cost more there).`);
	log('The quiet-document store is postponed (debounce 10 min instead of 2 s) so one server\'s log fold cannot land in another\'s run;');
	log('folds every 500 updates of a document and the store forced after 10 s of continuous editing still happen.');
	log(`Sequential: one client, next edit after the previous acknowledgement; ${SETTINGS.sequentialWarmup} warm-up edits, then`);
	log(`${SETTINGS.sequentialEdits} measured per configuration, interleaved in ${SETTINGS.sequentialRounds} rounds. Ratios (×) are against the no-log baseline.`);
	const base = sequential.get('no-log')!;
	log(
		table(
			['sequential', 'n', 'p50 ms', 'p99 ms', 'mean ms', 'max ms', 'p50 ×', 'p99 ×', 'mean ×'],
			configs.map((c) => {
				const s = sequential.get(c)!;
				return [CONFIG_LABEL[c], s.n, ms(s.p50), ms(s.p99), ms(s.mean), ms(s.max), ratio(s.p50, base.p50), ratio(s.p99, base.p99), ratio(s.mean, base.mean)];
			})
		)
	);
	log();
	log(`Concurrent: ${SETTINGS.concurrentClients} participants on one collective document, each editing its own note at ${SETTINGS.concurrentHz} Hz`);
	log(`(${SETTINGS.concurrentClients * SETTINGS.concurrentHz} edits/s offered), ${SETTINGS.concurrentSeconds} s per configuration in ${SETTINGS.concurrentRounds} interleaved segments; every edit timed individually.`);
	const cbase = concurrent.get('no-log')!;
	log(
		table(
			['concurrent', 'n', 'edits/s', 'p50 ms', 'p99 ms', 'mean ms', 'max ms', 'p50 ×', 'p99 ×'],
			configs.map((c) => {
				const s = concurrent.get(c)!;
				return [CONFIG_LABEL[c], s.n, s.editsPerSecond.toFixed(0), ms(s.p50), ms(s.p99), ms(s.mean), ms(s.max), ratio(s.p50, cbase.p50), ratio(s.p99, cbase.p99)];
			})
		)
	);
	log();
	log('What the durable log did meanwhile (measured around the storage calls): SQLite commits (one transaction each, with FULL one');
	log('fsync), updates per commit (group commit), and checkpoints (log folds). Synchronous: the whole process waits for them.');
	const activityRows: (string | number)[][] = [];
	for (const c of configs.filter((c) => c !== 'no-log')) {
		for (const [run, a] of [['sequential', seqActivity.get(c)!], ['concurrent', conActivity.get(c)!]] as const) {
			const commits = summarize(a.commits);
			const batch = a.batchSizes.length ? a.batchSizes.reduce((x, y) => x + y, 0) / a.batchSizes.length : NaN;
			activityRows.push([
				`${CONFIG_LABEL[c]}, ${run}`,
				commits.n,
				batch.toFixed(2),
				ms(commits.p50),
				ms(commits.p99),
				ms(commits.max),
				a.checkpoints.length,
				a.checkpoints.length ? ms(Math.max(...a.checkpoints)) : '–'
			]);
		}
	}
	log(table(['log activity', 'commits', 'updates/commit', 'commit p50 ms', 'commit p99 ms', 'commit max ms', 'checkpoints', 'checkpoint max ms'], activityRows));
	const activityJson = Object.fromEntries(
		configs.map((c) => [
			c,
			Object.fromEntries(
				(['sequential', 'concurrent'] as const).map((run) => {
					const a = (run === 'sequential' ? seqActivity : conActivity).get(c)!;
					return [run, { commits: summarize(a.commits), meanBatch: a.batchSizes.length ? a.batchSizes.reduce((x, y) => x + y, 0) / a.batchSizes.length : null, checkpointsMs: a.checkpoints }];
				})
			)
		])
	);

	await cleanup();

	// ---------------------------------------------------------------- 3
	heading(`3. Timeline: a board with ${HISTORY_PLAN.changes.toLocaleString('en')} changes over ${HISTORY_PLAN.meetings} meetings`);
	const history = await benchHistory(HISTORY_PLAN, log);
	printHistory(history, log);

	// ---------------------------------------------------------------- 4
	heading('4. Placement: a new note on a lane with 2,000 notes');
	const placement = benchPlacement();
	printPlacement(placement, log);

	// ---------------------------------------------------------------- 5
	heading('5. Edits: grouping 50,000 changes into edits');
	const edits = benchEdits();
	printEdits(edits, log);

	// ---------------------------------------------------------------- 6
	heading(`6. Story report: the whole practice, ${REPORT_PLAN.boards} boards × ${REPORT_PLAN.meetings} meetings × ${REPORT_PLAN.changes.toLocaleString('en')} changes`);
	const report = await benchReport(REPORT_PLAN, log);
	printReport(report, log);

	// ---------------------------------------------------------------- 7
	heading(`7. Figures and coverage map: ${FIGURES_PLAN.meetings} meetings × ${FIGURES_PLAN.boards} boards × ${FIGURES_PLAN.changes.toLocaleString('en')} changes`);
	const figures = await benchFigures(FIGURES_PLAN, log);
	printFigures(figures, log);

	const totalS = (performance.now() - started) / 1000;
	facts.loadAverageAtEnd = os.loadavg().map((l) => Math.round(l * 100) / 100);
	log(`\nTotal ${totalS.toFixed(1)} s; load average at end ${facts.loadAverageAtEnd.join(' / ')}. The JSON line below holds every figure (times in ms, sizes in bytes).`);
	const result = {
		bench: 'zwerm',
		at: new Date().toISOString(),
		machine: facts,
		settings: SETTINGS,
		openBoard: {
			notes: open.notes,
			documents: open.docs,
			seedMs,
			coldMs: open.coldMs,
			warmMs: open.warmMs,
			coldFirstSyncMs: open.coldFirstSyncMs,
			warmFirstSyncMs: open.warmFirstSyncMs,
			collectiveCheckpointMs: open.collectiveCheckpointMs,
			coldMedianMs: open.coldMedianMs,
			warmMedianMs: open.warmMedianMs,
			bytes: open.sizes,
			sqliteBytes: open.sqliteBytes
		},
		browser: { ...chrome, appStartMs, buildMs },
		panZoom: { notes: notesOf(LARGE_BOARD_PLAN), seedMs: largeSeedMs, ...panZoom },
		ack: {
			sequential: Object.fromEntries(configs.map((c) => [c, { ...sequential.get(c)!, p50Ratio: sequential.get(c)!.p50 / base.p50, p99Ratio: sequential.get(c)!.p99 / base.p99, meanRatio: sequential.get(c)!.mean / base.mean }])),
			concurrent: Object.fromEntries(configs.map((c) => [c, { ...concurrent.get(c)!, p50Ratio: concurrent.get(c)!.p50 / cbase.p50, p99Ratio: concurrent.get(c)!.p99 / cbase.p99 }])),
			logActivity: activityJson
		},
		history,
		placement,
		edits,
		report,
		figures,
		totalSeconds: totalS
	};
	log(JSON.stringify(round3(result)));
}

try {
	await main();
	await cleanup();
	process.exit(0);
} catch (error) {
	// After an interrupt, the failure is only the cleanup closing things under the running benchmark.
	if (!interrupted) console.error('\nBenchmark failed:', error instanceof Error ? (error.stack ?? error.message) : error);
	await cleanup();
	process.exit(interrupted ? 130 : 1);
}
