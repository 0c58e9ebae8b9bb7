import { describe, expect, synced, test } from '../helpers/fixture.ts';
import { createPracticeViaApi, type RunningApp } from '../helpers/app.ts';
import { collabUrl } from '../helpers/board.ts';
import { collectiveDoc } from '#lib/domain/docnames.ts';
import { createNote } from '#lib/domain/notes.ts';
import type { BoardId, MemberId, PracticeId } from '#lib/domain/ids.ts';

interface Sample {
	readonly name: string;
	readonly labels: Record<string, string>;
	readonly value: number;
}

interface Exposition {
	readonly help: Map<string, string>;
	readonly types: Map<string, string>;
	readonly samples: Sample[];
}

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const SAMPLE = new RegExp(`^(${NAME})(?:\\{(.*)\\})? (\\S+)$`);
const LABEL = /^([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(?:,|$)/;

/** Parses the Prometheus text format strictly, line by line; throws on anything malformed. */
function parseExposition(text: string): Exposition {
	const help = new Map<string, string>();
	const types = new Map<string, string>();
	const samples: Sample[] = [];
	expect(text.endsWith('\n')).toBe(true);
	for (const line of text.slice(0, -1).split('\n')) {
		let m: RegExpMatchArray | null;
		// The format ignores empty lines; prom-client puts one between metric families.
		if (line === '') continue;
		if ((m = line.match(new RegExp(`^# HELP (${NAME}) (.+)$`)))) {
			expect(help.has(m[1]), `HELP ${m[1]} once`).toBe(false);
			help.set(m[1], m[2]);
		} else if ((m = line.match(new RegExp(`^# TYPE (${NAME}) (counter|gauge|histogram|summary|untyped)$`)))) {
			expect(types.has(m[1]), `TYPE ${m[1]} once`).toBe(false);
			types.set(m[1], m[2]);
		} else if ((m = line.match(SAMPLE))) {
			const labels: Record<string, string> = {};
			let rest = m[2] ?? '';
			while (rest.length > 0) {
				const l = rest.match(LABEL);
				if (!l) throw new Error(`malformed labels in: ${line}`);
				labels[l[1]] = l[2];
				rest = rest.slice(l[0].length);
			}
			// Values parse as Go's ParseFloat does: NaN and Inf in any case (prom-client writes `Nan`).
			const value = /^\+?inf$/i.test(m[3]) ? Infinity : /^-inf$/i.test(m[3]) ? -Infinity : Number(m[3]);
			if (!/^nan$/i.test(m[3]) && Number.isNaN(value)) throw new Error(`malformed value in: ${line}`);
			samples.push({ name: m[1], labels, value });
		} else {
			throw new Error(`not a Prometheus exposition line: ${JSON.stringify(line)}`);
		}
	}
	return { help, types, samples };
}

/** The metric family a sample belongs to (histogram series carry suffixes). */
function family(name: string, types: Map<string, string>): string {
	if (types.has(name)) return name;
	const base = name.replace(/_(bucket|sum|count)$/, '');
	return types.has(base) ? base : name;
}

const METRICS_TOKEN = 'observability-test-token';

/** The file's app has a metrics token; `noMetricsApp` is one without. */
const it = test.extend('noMetricsApp', { scope: 'file' }, ({ fileScope }) => fileScope.startApp({ env: { METRICS_TOKEN: '' } }));
it.override('appOptions', { env: { METRICS_TOKEN } });

async function scrape(app: RunningApp): Promise<Exposition> {
	const res = await fetch(`${app.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
	expect(res.status).toBe(200);
	expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
	return parseExposition(await res.text());
}

const value = (e: Exposition, name: string, labels: Record<string, string> = {}) =>
	e.samples
		.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
		.reduce((sum, s) => sum + s.value, 0);

describe('health and metrics', () => {
	it('GET /healthz answers ok with the storage kind and counts', async ({ app }) => {
		const res = await fetch(`${app.url}/healthz`);
		expect(res.status).toBe(200);
		expect(res.headers.get('content-type')).toMatch(/application\/json/);
		const body = (await res.json()) as Record<string, unknown>;
		expect(body).toMatchObject({ status: 'ok', storage: 'sqlite', documents: 0, connections: 0 });
		expect(typeof body.uptimeSeconds).toBe('number');
	});

	it('GET /metrics is valid Prometheus text: every sample has a HELP and TYPE', async ({ app }) => {
		const e = await scrape(app);
		expect(e.samples.length).toBeGreaterThan(0);
		for (const sample of e.samples) {
			const name = family(sample.name, e.types);
			expect(e.types.has(name), `TYPE for ${sample.name}`).toBe(true);
			expect(e.help.has(name), `HELP for ${sample.name}`).toBe(true);
		}
		for (const name of e.types.keys()) expect(e.help.has(name), `HELP for ${name}`).toBe(true);
		expect(e.types.get('zwerm_websocket_connections')).toBe('gauge');
		expect(e.types.get('zwerm_documents_loaded')).toBe('gauge');
		expect(e.types.get('zwerm_updates_logged_total')).toBe('counter');
		expect(e.types.get('zwerm_log_write_duration_seconds')).toBe('histogram');
		expect(e.types.get('zwerm_ack_hold_duration_seconds')).toBe('histogram');
		expect(e.types.get('zwerm_checkpoint_duration_seconds')).toBe('histogram');
		// prom-client's default process and Node.js metrics.
		expect(value(e, 'process_resident_memory_bytes')).toBeGreaterThan(0);
		expect(value(e, 'nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
		expect(value(e, 'process_cpu_seconds_total')).toBeGreaterThan(0);
		expect(e.types.get('nodejs_eventloop_lag_seconds')).toBe('gauge');
		expect(e.types.get('nodejs_gc_duration_seconds')).toBe('histogram');
		expect(e.types.get('zwerm_limit_refusals_total')).toBe('counter');
		// Histogram buckets are cumulative and end in +Inf = count.
		const buckets = e.samples.filter((s) => s.name === 'zwerm_log_write_duration_seconds_bucket');
		expect(buckets.at(-1)?.labels.le).toBe('+Inf');
		expect(buckets.at(-1)?.value).toBe(value(e, 'zwerm_log_write_duration_seconds_count'));
	});

	it('reflects connections, loaded documents and logged updates after edits', async ({ app, connect }) => {
		const before = await scrape(app);
		const practice = await createPracticeViaApi(app, { name: 'Metingen', facilitatorName: 'Fem' });
		const practiceId = practice.id as PracticeId;
		const client = connect(collabUrl(app), collectiveDoc(practiceId, 'intentie' as BoardId), practice.facilitator.token);
		await synced(client);
		for (let i = 0; i < 3; i++) {
			createNote(client.doc, { createdBy: practice.facilitator.id as MemberId, at: i + 1, text: `Notitie ${i}` });
		}
		await client.saved();

		const during = await scrape(app);
		expect(value(during, 'zwerm_websocket_connections')).toBe(value(before, 'zwerm_websocket_connections') + 1);
		expect(value(during, 'zwerm_documents_loaded')).toBeGreaterThanOrEqual(1);
		expect(value(during, 'zwerm_updates_logged_total')).toBeGreaterThanOrEqual(value(before, 'zwerm_updates_logged_total') + 3);
		expect(value(during, 'zwerm_log_write_duration_seconds_count')).toBeGreaterThan(0);
		expect(value(during, 'zwerm_ack_hold_duration_seconds_count')).toBeGreaterThan(0);
		expect(value(during, 'zwerm_messages_received_total', { kind: 'sync' })).toBeGreaterThan(0);
		expect(value(during, 'zwerm_messages_received_total', { kind: 'auth' })).toBeGreaterThan(0);

		const health = (await (await fetch(`${app.url}/healthz`)).json()) as { documents: number; connections: number };
		expect(health.documents).toBeGreaterThanOrEqual(1);
		expect(health.connections).toBeGreaterThanOrEqual(1);

		client.destroy();
		// The gauge goes back down once the server has seen the close.
		await expect.poll(async () => value(await scrape(app), 'zwerm_websocket_connections')).toBe(value(before, 'zwerm_websocket_connections'));
	});
});

describe('/metrics is private', () => {
	it('serves nothing without METRICS_TOKEN, also not to loopback', async ({ noMetricsApp: unset }) => {
		const res = await fetch(`${unset.url}/metrics`);
		expect(res.status).toBe(404);
		expect(await res.text()).toContain('METRICS_TOKEN');
		expect((await fetch(`${unset.url}/metrics`, { headers: { authorization: 'Bearer ' } })).status).toBe(404);
		expect((await fetch(`${unset.url}/healthz`)).status).toBe(200);
	});

	it('requires the bearer token for /metrics, not for /healthz', async ({ app: guarded }) => {
		const metrics = (authorization?: string) =>
			fetch(`${guarded.url}/metrics`, { headers: authorization ? { authorization } : {} });
		expect((await metrics()).status).toBe(401);
		expect((await metrics('Bearer wrong')).status).toBe(401);
		expect((await metrics(`Bearer ${METRICS_TOKEN}-longer`)).status).toBe(401);
		const ok = await metrics(`Bearer ${METRICS_TOKEN}`);
		expect(ok.status).toBe(200);
		const text = await ok.text();
		expect(text).toContain('# TYPE zwerm_websocket_connections gauge');
		expect(text).toContain('# TYPE process_resident_memory_bytes gauge');
		expect((await fetch(`${guarded.url}/healthz`)).status).toBe(200);
	});
});
