/**
 * Load benchmark: `npm run bench:load`. Prints figures, no pass/fail.
 *
 * Simulated editors (raw protocol clients in this process) on one board:
 * 50, 100, 200 and 500 editors, ten of them writing at 10 Hz, all moving
 * their pointers at 20 Hz, against
 *   - Zwerm: the real server (server/zwerm.ts over SQLite) in a child process;
 *   - the reference: a relay built the way y-websocket's server works
 *     (bench/load/reference-relay.ts), in a child process too.
 * Each server child measures its own CPU and memory. Then memory per
 * connection and per loaded board, and whether idle boards are unloaded.
 * A readable report goes to stdout, followed by one JSON line with every figure.
 *
 * Options: --sizes=50,100  --quick (shorter phases)  --warm=S --measure=S
 *          --unlimited (lift Zwerm's per-connection message rate too)  --no-memory
 *          --profile=DIR (V8 CPU profiles of the server children, --cpu-prof)
 *          --pointer-hz=N (default 20; 0: no pointer traffic, to see the updates alone)
 */
import { readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { collectiveDoc } from '#lib/domain/docnames.ts';
import type { BoardId, PracticeId } from '#lib/domain/ids.ts';
import { DEFAULT_LIMITS } from '#server/limits.ts';
import { tempDir } from '../tests/helpers/server.ts';
import { spawnServer, type ServerKind } from './load/child.ts';
import type { Identity } from './load/clients.ts';
import { runPhase, type PhaseResult, type PhaseSettings } from './load/phase.ts';
import { boardSpecs, measureMemory, seedBoards, type MemoryResult } from './load/memory.ts';
import type { ZwermSetup } from './load/zwerm-server.ts';
import { ms, ratio, table } from './stats.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

// ---------------------------------------------------------------------------
// Settings
// ---------------------------------------------------------------------------

const args = new Map(
	process.argv.slice(2).map((a) => {
		const [k, v] = a.replace(/^--/, '').split('=');
		return [k, v ?? 'true'] as const;
	})
);
const quick = args.has('quick');
const sizes = (args.get('sizes') ?? '50,100,200,500').split(',').map(Number).filter((n) => n >= 2);
if (sizes.length === 0) throw new Error('--sizes: give editor counts ≥ 2, e.g. --sizes=50,100');

const PHASE: PhaseSettings = {
	writers: 10,
	writeHz: 10,
	pointerHz: Number(args.get('pointer-hz') ?? 20),
	warmSeconds: Number(args.get('warm') ?? (quick ? 2 : 5)),
	measureSeconds: Number(args.get('measure') ?? (quick ? 4 : 10)),
	drainSeconds: quick ? 5 : 10,
	pointerSamplers: 50,
	unloadTimeoutSeconds: 30,
	referenceUnloadTimeoutSeconds: 10
};
const MEMORY = {
	connections: Math.max(...sizes),
	boards: 20,
	boardNotes: 100
};
/**
 * Zwerm's limits for this run (server/limits.ts). All editors connect from
 * 127.0.0.1, so the per-address limits on open and new connections (default
 * 256 open, 300 at once then 600 a minute) are lifted.
 * The per-connection message rate stays at its default unless --unlimited:
 * an editor here sends 20 pointer updates (+ 10 writes) per second.
 */
const unlimited = args.has('unlimited');
const LIMITS = {
	connectionsPerAddress: 100000,
	connectBurst: 100000,
	connectsPerMinute: 100000,
	...(unlimited ? { messagesPerSecond: 'Infinity', messageBurst: 'Infinity' } : {})
};
const runMemory = !args.has('no-memory');

// ---------------------------------------------------------------------------
// Cleanup: the data directory; children end themselves when this process goes
// (their IPC channel closes).
// ---------------------------------------------------------------------------

const dataDir = tempDir('zwerm-bench-load-');
const removeData = () => rmSync(dataDir, { recursive: true, force: true });
process.on('exit', removeData);
for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
	process.once(signal, () => {
		console.error(`\n${signal}: stopping`);
		process.exit(code);
	});
}

const log = (line = '') => console.log(line);
const heading = (title: string) => log(`\n${title}\n${'═'.repeat(title.length)}`);

function version(pkg: string): string {
	try {
		return (JSON.parse(readFileSync(join(ROOT, 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string }).version;
	} catch {
		return '?';
	}
}

/** Zwerm ÷ reference, also when either never delivered (an infinite percentile). */
function versus(zwerm: number, reference: number): string {
	if (zwerm === Infinity && reference === Infinity) return 'both ∞';
	if (reference === Infinity) return 'ref. ∞';
	if (zwerm === Infinity) return 'Zwerm ∞';
	return ratio(zwerm, reference);
}
const msInf = (n: number) => (n === Infinity ? '∞' : ms(n));

const MiB = 1024 * 1024;
const mib = (n: number) => (Number.isFinite(n) ? n.toFixed(0) : '–');
const pct = (n: number) => (Number.isFinite(n) ? n.toFixed(0) : '–');
const kb = (bytes: number) => (bytes / 1000).toFixed(1);
const perSecond = (n: number) => (n >= 100 ? n.toFixed(0) : n.toFixed(1));

async function main() {
	const started = performance.now();
	const cpus = os.cpus();
	const loadAtStart = os.loadavg().map((l) => Math.round(l * 100) / 100);
	log('Zwerm load benchmark: figures only, no pass/fail. Times in milliseconds (ms) unless marked.');
	log(`Machine: ${cpus[0]?.model ?? '?'} × ${cpus.length} CPUs, ${Math.round(os.totalmem() / 2 ** 30)} GiB RAM; Node ${process.version};`);
	log(`yjs ${version('yjs')}, @hocuspocus/server ${version('@hocuspocus/server')}, ws ${version('ws')}, y-protocols ${version('y-protocols')}.`);
	log(`Load average at start (1/5/15 min): ${loadAtStart.join(' / ')}: other work on the machine skews every figure.`);
	log('');
	log('Servers, each in its own child process (fresh for every phase), measured by the child itself (process.cpuUsage/memoryUsage):');
	log('  zwerm      the real server (server/zwerm.ts: Hocuspocus + durable log + access control) over SQLite, synchronous=FULL,');
	log(`             data in ${dataDir}. Limits: connections per address ${LIMITS.connectionsPerAddress} open (default ${DEFAULT_LIMITS.connectionsPerAddress}), ${LIMITS.connectBurst} new at once (default ${DEFAULT_LIMITS.connectBurst}):`);
	log('             every editor here comes from 127.0.0.1); messages per connection ' +
		(unlimited ? 'unlimited (--unlimited)' : `${DEFAULT_LIMITS.messagesPerSecond}/s, burst ${DEFAULT_LIMITS.messageBurst} (the default)`) +
		`; slow-reader cut-off ${DEFAULT_LIMITS.maxBufferedBytes / MiB} MiB (default).`);
	log('  reference  a relay built the way y-websocket\'s server works (bench/load/reference-relay.ts): per message decode, apply,');
	log('             encode once, send the same buffer to every connection of the document; no batching, auth or storage.');
	log(`Load (this process, raw protocol clients over loopback websockets): N editors on one board's collective lane, ${PHASE.writers} of them`);
	log(`writing at ${PHASE.writeHz} Hz (replacing a marker in their note's text: the send time travels in the update), every editor`);
	log(`moving its pointer at ${PHASE.pointerHz} Hz (awareness), all spread evenly over each period. Per phase: connect, ${PHASE.warmSeconds} s warm-up,`);
	log(`${PHASE.measureSeconds} s measured, up to ${PHASE.drainSeconds} s for the last deliveries, everyone leaves, the board must unload.`);

	// ------------------------------------------------------------ setup
	const maxEditors = Math.max(...sizes, runMemory ? MEMORY.connections + 1 : 0);
	const setupStart = performance.now();
	const setupChild = await spawnServer('zwerm', {
		DATA_DIR: dataDir,
		LIMITS: JSON.stringify(LIMITS),
		SETUP: JSON.stringify({ participants: maxEditors, boardPractices: runMemory ? Math.ceil(MEMORY.boards / 8) : 0 })
	});
	const setup = setupChild.setup as ZwermSetup;
	const boards = runMemory
		? boardSpecs(
				setup.boardPractices.map((p) => ({ practiceId: p.practiceId, boards: p.boards, facilitator: p.facilitator })),
				MEMORY.boards,
				MEMORY.boardNotes,
				(practiceId, boardId) => collectiveDoc(practiceId as PracticeId, boardId as BoardId)
			)
		: [];
	if (runMemory) await seedBoards(setupChild, boards);
	await setupChild.stop();
	log(`Setup: a practice with ${maxEditors} participants (through the practices API)${runMemory ? `, and ${boards.length} boards of ${MEMORY.boardNotes} notes each` : ''} (${((performance.now() - setupStart) / 1000).toFixed(1)} s).`);

	const profile = args.get('profile');
	const nodeArgs = profile ? { NODE_ARGS: JSON.stringify(['--cpu-prof', `--cpu-prof-dir=${profile}`]) } : {};
	const env: Record<ServerKind, NodeJS.ProcessEnv> = {
		zwerm: { DATA_DIR: dataDir, LIMITS: JSON.stringify(LIMITS), ...nodeArgs },
		reference: { ...nodeArgs }
	};
	if (profile) log(`CPU profiles of the server children go to ${profile} (a relay killed under its backlog writes none).`);
	const identities: Identity[] = setup.participants;

	// ------------------------------------------------------------ phases
	heading('Running');
	const results: PhaseResult[] = [];
	for (const [i, size] of sizes.entries()) {
		// A board of its own per size, so no phase inherits another's log. The order alternates.
		const documentName = collectiveDoc(setup.practiceId as PracticeId, setup.boards[i % setup.boards.length] as BoardId);
		const order: ServerKind[] = i % 2 === 0 ? ['zwerm', 'reference'] : ['reference', 'zwerm'];
		for (const kind of order) {
			const r = await runPhase(kind, env[kind], documentName, identities.slice(0, size), PHASE, log);
			results.push(r);
			log(
				`    ${kind}: p50 ${ms(r.latency.p50)} ms, p99 ${ms(r.latency.p99)} ms, delivered ${r.delivered}/${r.expected}, server CPU ${pct(r.serverCpuPercent)} %, ` +
					`load generator CPU ${pct(r.generatorCpuPercent)} % (event-loop delay p99 ${ms(r.generatorLagP99Ms)} ms)`
			);
		}
	}

	let memory: MemoryResult[] = [];
	if (runMemory) {
		const documentName = collectiveDoc(setup.practiceId as PracticeId, setup.boards[sizes.length % setup.boards.length] as BoardId);
		log(`    memory: ${MEMORY.connections} idle connections on one board, then ${boards.length} boards of ${MEMORY.boardNotes} notes`);
		memory = [];
		for (const kind of ['zwerm', 'reference'] as const) {
			memory.push(await measureMemory(kind, env[kind], documentName, identities.slice(0, MEMORY.connections + 1), boards, PHASE.unloadTimeoutSeconds * 1000));
		}
	}

	// ------------------------------------------------------------ report
	const find = (kind: ServerKind, size: number) => results.find((r) => r.server === kind && r.editors === size)!;
	/** CPU (% of one core) the offered load needs at the measured cost per message. */
	const needed = (r: PhaseResult) => (r.cpuPerMessageUs * (r.editors * PHASE.pointerHz + Math.min(PHASE.writers, r.editors) * PHASE.writeHz)) / 1e4;

	heading('1. Fan-out latency of writer updates, delivery, server cost');
	log('Latency: from the writer\'s send to each other editor\'s receipt, for every delivery of every update sent in the measured');
	log('window (one clock: all clients are in this process). p50/p99/max: over the deliveries made; "p99 of expected": over every');
	log('expected delivery, the undelivered ones counted as never arriving (∞ when more than 1 % never came). "at writers": only');
	log('receivers that write themselves (Zwerm holds what it sends a client while that client\'s own update is being committed).');
	log(`Pointer: from an editor's awareness update to its arrival at ${PHASE.pointerSamplers} sampled editors (the ${PHASE.writers} writers' pointers are decoded).`);
	log('Server CPU: % of one core over the window. CPU µs/msg: server CPU time per websocket message it received, from the start');
	log('of the load to the end of the phase: what a message costs it, whatever else the machine runs; CPU needed: that cost times');
	log(`the messages offered per second (N × ${PHASE.pointerHz} + ${PHASE.writers} × ${PHASE.writeHz}), in % of one core: above 100 % one process cannot keep up. RSS: at the window's end;`);
	log('peak: over the phase. Generator: this process, which all clients share; when its event loop lags, latencies include its');
	log(`own backlog. Others: CPU every other process on the machine used meanwhile (% of one core; ${os.cpus().length} cores in all).`);
	const rows = results.map((r) => [
		String(r.editors),
		r.server,
		ms(r.latency.p50),
		ms(r.latency.p99),
		ms(r.latency.max),
		ms(r.latencyAtWriters.p99),
		`${r.delivered}/${r.expected}`,
		r.undelivered,
		msInf(r.complete.p99),
		ms(r.pointerLatency.p50),
		ms(r.pointerLatency.p99),
		pct(r.serverCpuPercent) + (r.serverFiguresFrom === 'proc' ? '*' : ''),
		Number.isFinite(r.cpuPerMessageUs) ? r.cpuPerMessageUs.toFixed(0) : '–',
		pct(needed(r)),
		mib(r.serverRssMiB) + (r.serverFiguresFrom === 'proc' ? '*' : ''),
		mib(r.serverPeakRssMiB),
		pct(r.generatorCpuPercent),
		ms(r.generatorLagP99Ms),
		pct(r.otherCpuPercent)
	]);
	log(
		table(
			['editors', 'server', 'p50', 'p99', 'max', 'p99 at writers', 'delivered/expected', 'undelivered', 'p99 of expected', 'pointer p50', 'pointer p99', 'server CPU %', 'CPU µs/msg', 'CPU needed %', 'RSS MiB', 'peak RSS MiB', 'generator CPU %', 'generator lag p99', 'others CPU %'],
			rows
		)
	);
	if (results.some((r) => r.serverFiguresFrom === 'proc')) {
		log('  * the server did not answer over IPC within 5 s (event loop buried): CPU and RSS from /proc/<pid> instead (the same');
		log('    kernel counters process.cpuUsage() and memoryUsage().rss read).');
	}

	heading('2. Zwerm ÷ reference, same load, same run (below 1× = Zwerm lower)');
	log(
		table(
			['editors', 'p50 ×', 'p99 ×', 'p99 of expected ×', 'pointer p50 ×', 'pointer p99 ×', 'server CPU ×', 'CPU/msg ×', 'RSS ×', 'peak RSS ×', 'undelivered Zwerm / reference'],
			sizes.map((size) => {
				const z = find('zwerm', size);
				const ref = find('reference', size);
				return [
					String(size),
					ratio(z.latency.p50, ref.latency.p50),
					ratio(z.latency.p99, ref.latency.p99),
					versus(z.complete.p99, ref.complete.p99),
					ratio(z.pointerLatency.p50, ref.pointerLatency.p50),
					ratio(z.pointerLatency.p99, ref.pointerLatency.p99),
					ratio(z.serverCpuPercent, ref.serverCpuPercent),
					ratio(z.cpuPerMessageUs, ref.cpuPerMessageUs),
					ratio(z.serverRssMiB, ref.serverRssMiB),
					ratio(z.serverPeakRssMiB, ref.serverPeakRssMiB),
					`${z.undelivered} / ${ref.undelivered}`
				];
			})
		)
	);

	heading('3. What each editor received per second, and what was sent');
	log(`Offered per editor: ${PHASE.writers * PHASE.writeHz} updates/s and (N × ${PHASE.pointerHz}) pointer states/s (every editor's, its own echo included).`);
	log('Fewer messages than states: the server merged several into one message. Sent and skipped: in the measured window, all');
	log('editors together; skipped = sends the load generator could not make on time (more than a whole period behind).');
	log(
		table(
			['editors', 'server', 'messages/s', 'KiB/s', 'update msgs/s', 'awareness msgs/s', 'pointer states/s', 'offered states/s', 'sent pointers', 'skipped', 'sent updates', 'connect s', 'drain ms'],
			results.map((r) => [
				String(r.editors),
				r.server,
				perSecond(r.received.messages),
				perSecond(r.received.kib),
				perSecond(r.received.updateMessages),
				perSecond(r.received.awarenessMessages),
				perSecond(r.received.pointerStates),
				r.editors * PHASE.pointerHz,
				r.sent.pointers,
				r.sent.skipped,
				r.sent.updates,
				(r.connectMs / 1000).toFixed(1),
				ms(r.drainMs)
			])
		)
	);

	heading('4. Connections closed by the server, limits, unloading');
	log('Closed: clients the server closed during the phase (code reason: count). Zwerm\'s counters: closed for the message rate');
	log('limit or as slow readers (more than the cut-off waiting unsent), updates committed to its log during the whole phase,');
	log('against the updates sent in it (writes + the writers\' notes); log commits and checkpoints, with their mean duration: node:sqlite');
	log('is synchronous, so every connection on the server waits that long each time (synchronous=FULL: an fsync per commit).');
	log('Unload: documents still loaded right after every editor left, and the time until none was.');
	log(
		table(
			['editors', 'server', 'closed by server', 'rate-limited', 'slow readers', 'updates logged', 'updates sent in phase', 'log commits', 'commit mean ms', 'checkpoints', 'checkpoint mean ms', 'docs after leave', 'unloaded after ms'],
			results.map((r) => [
				String(r.editors),
				r.server,
				Object.entries(r.closes).map(([k, v]) => `${k}: ${v}`).join(', ') || 'none',
				r.serverExtra.closedRateLimited ?? '–',
				r.serverExtra.closedSlowReader ?? '–',
				r.serverExtra.updatesLogged ?? '–',
				r.updatesInPhase,
				r.serverExtra.logCommits ?? '–',
				r.serverExtra.logCommits ? ms((r.serverExtra.logCommitSeconds * 1000) / r.serverExtra.logCommits) : '–',
				r.serverExtra.checkpoints ?? '–',
				r.serverExtra.checkpoints ? ms((r.serverExtra.checkpointSeconds * 1000) / r.serverExtra.checkpoints) : '–',
				r.documentsAfterLeave,
				r.unloadMs === null ? `not within ${PHASE.unloadTimeoutSeconds} s` : ms(r.unloadMs)
			])
		)
	);

	if (runMemory) {
		heading('5. Memory per connection and per loaded board; idle boards unloaded');
		log(`Per connection: ${MEMORY.connections} editors join a board another editor already opened, each announces its pointer once and sits idle;`);
		log(`growth ÷ ${MEMORY.connections}. Per board: ${MEMORY.boards} collective lanes of ${MEMORY.boardNotes} notes, each opened by one client (Zwerm reads it from SQLite,`);
		log('the relay is sent it); growth ÷ boards, that one connection included. Heap after global.gc() in the server; RSS as is');
		log('(V8 keeps freed pages, so RSS moves less evenly). kB = 1000 bytes.');
		log(
			table(
				['server', 'heap kB/conn', 'RSS kB/conn', 'external kB/conn', 'heap kB/board', 'RSS kB/board', 'docs after last conn left', 'unloaded after ms', 'docs after boards left', 'unloaded after ms'],
				memory.map((m) => [
					m.server,
					kb(m.perConnection.heap),
					kb(m.perConnection.rss),
					kb(m.perConnection.external),
					kb(m.perBoard.heap),
					kb(m.perBoard.rss),
					m.unloadAfterConnections.first,
					m.unloadAfterConnections.ms === null ? 'not unloaded' : ms(m.unloadAfterConnections.ms),
					m.unloadAfterBoards.first,
					m.unloadAfterBoards.ms === null ? 'not unloaded' : ms(m.unloadAfterBoards.ms)
				])
			)
		);
		const zm = memory.find((m) => m.server === 'zwerm')!;
		const rm = memory.find((m) => m.server === 'reference')!;
		log(`Zwerm ÷ reference: heap per connection ${ratio(zm.perConnection.heap, rm.perConnection.heap)}, heap per board ${ratio(zm.perBoard.heap, rm.perBoard.heap)}.`);
	}

	heading('6. Goals (from the issue; figures, not test thresholds)');
	const goals: { goal: string; figure: string; met: boolean | null }[] = [];
	if (sizes.includes(100)) {
		const z = find('zwerm', 100);
		const ref = find('reference', 100);
		goals.push({ goal: '100 editors: Zwerm p99 ≤ 50 ms', figure: `${msInf(z.complete.p99)} ms`, met: z.complete.p99 <= 50 });
		goals.push({ goal: '100 editors: Zwerm p99 no worse than the reference', figure: `${msInf(z.complete.p99)} vs ${msInf(ref.complete.p99)} ms`, met: z.complete.p99 <= ref.complete.p99 && z.complete.p99 < Infinity });
	}
	if (sizes.includes(500)) {
		const z = find('zwerm', 500);
		const ref = find('reference', 500);
		goals.push({
			goal: '500 editors: Zwerm p99 ≤ half the reference\'s',
			figure: `${msInf(z.complete.p99)} vs ${msInf(ref.complete.p99)} ms (${versus(z.complete.p99, ref.complete.p99)})`,
			met: z.complete.p99 < Infinity && z.complete.p99 <= ref.complete.p99 / 2
		});
	}
	const zwermUndelivered = results.filter((r) => r.server === 'zwerm' && r.undelivered > 0);
	goals.push({
		goal: 'Zwerm: zero undelivered updates (all sizes)',
		figure: zwermUndelivered.length ? zwermUndelivered.map((r) => `${r.undelivered} of ${r.expected} at ${r.editors}`).join('; ') : '0 undelivered',
		met: zwermUndelivered.length === 0
	});
	if (runMemory) {
		const zm = memory.find((m) => m.server === 'zwerm')!;
		const worst = Math.max(zm.perConnection.heap, zm.perConnection.rss);
		goals.push({ goal: 'Zwerm: ≤ 50 kB per connection (the larger of heap and RSS growth)', figure: `${kb(worst)} kB`, met: worst <= 50000 });
		goals.push({ goal: 'Zwerm: idle boards unloaded', figure: `${zm.unloadAfterBoards.first} loaded after leaving → 0 after ${zm.unloadAfterBoards.ms === null ? '–' : ms(zm.unloadAfterBoards.ms)} ms`, met: zm.unloadAfterBoards.ms !== null && zm.unloadAfterConnections.ms !== null });
	}
	log(table(['goal', 'figure', ''], goals.map((g) => [g.goal, g.figure, g.met === null ? '' : g.met ? 'met' : 'NOT met'])));
	const saturated = results.filter((r) => r.generatorLagP99Ms > 50 || r.sent.skipped > 0.01 * (r.sent.pointers + r.sent.updates));
	if (saturated.length) {
		log('');
		log(`Load generator behind in: ${saturated.map((r) => `${r.server} ${r.editors}`).join(', ')} (event-loop delay p99 > 50 ms or over 1 % of sends skipped):`);
		log('latencies there include time the clients in this process needed to read what arrived.');
	}

	const totalS = (performance.now() - started) / 1000;
	const loadAtEnd = os.loadavg().map((l) => Math.round(l * 100) / 100);
	log(`\nTotal ${totalS.toFixed(1)} s; load average at end ${loadAtEnd.join(' / ')}. The JSON line below holds every figure (times in ms, memory in bytes or MiB as named).`);
	// Numbers rounded to 3 decimals; Infinity and NaN as strings ("Infinity": never delivered; "NaN": nothing measured).
	const json = (_: string, v: unknown) => (typeof v === 'number' ? (Number.isFinite(v) ? Math.round(v * 1000) / 1000 : String(v)) : v);
	log(
		JSON.stringify(
			{
				bench: 'zwerm-load',
				at: new Date().toISOString(),
				machine: { cpuModel: cpus[0]?.model ?? '?', cpus: cpus.length, node: process.version, loadAtStart, loadAtEnd },
				settings: { sizes, phase: PHASE, memory: MEMORY, limits: LIMITS },
				phases: results,
				ratios: sizes.map((size) => {
					const z = find('zwerm', size);
					const ref = find('reference', size);
					return {
						editors: size,
						p50: z.latency.p50 / ref.latency.p50,
						p99: z.latency.p99 / ref.latency.p99,
						p99OfExpected: versus(z.complete.p99, ref.complete.p99),
						pointerP99: z.pointerLatency.p99 / ref.pointerLatency.p99,
						serverCpu: z.serverCpuPercent / ref.serverCpuPercent,
						cpuPerMessage: z.cpuPerMessageUs / ref.cpuPerMessageUs,
						cpuNeededPercent: { zwerm: needed(z), reference: needed(ref) },
						rss: z.serverRssMiB / ref.serverRssMiB
					};
				}),
				memory,
				goals,
				totalSeconds: totalS
			},
			json
		)
	);
}

try {
	await main();
	process.exit(0);
} catch (error) {
	console.error('\nLoad benchmark failed:', error instanceof Error ? (error.stack ?? error.message) : error);
	process.exit(1);
}
