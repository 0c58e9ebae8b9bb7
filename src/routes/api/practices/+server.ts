import { error, json } from '@sveltejs/kit';
import { z } from 'zod';
import { getZwerm } from '#server/context.ts';
import { CREATED_LINK_TTL_MS } from '#server/device-codes.ts';
import { practiceCreationRefused } from '#lib/server/rate-limit.ts';
import { MAX_FILE_BYTES } from '#lib/domain/framework-file.ts';
import { isServiceError } from '#server/errors.ts';
import type { RequestHandler } from './$types';

/** A framework given inline may be as large as an imported file. */
const MAX_BODY = MAX_FILE_BYTES + 4 * 1024;

/** POST /api/practices: create a practice; answers with its id and links (see docs/API.md). */
export const POST: RequestHandler = async (event) => {
	const { request, url } = event;
	const retryAfter = practiceCreationRefused(event);
	if (retryAfter !== null) {
		return json(
			{ message: `Too many practices created from this address: try again in ${retryAfter} s.`, code: 'rate-limited' },
			{ status: 429, headers: { 'retry-after': String(retryAfter) } }
		);
	}
	if (!request.headers.get('content-type')?.includes('application/json')) {
		error(415, { message: 'Send JSON (Content-Type: application/json).', code: 'unsupported-media-type' });
	}
	const raw = await request.text();
	if (raw.length > MAX_BODY) error(413, { message: 'Request body too large.', code: 'too-large' });
	let body: unknown;
	try {
		body = JSON.parse(raw);
	} catch {
		error(400, { message: 'The body is not valid JSON.', code: 'invalid-json' });
	}
	try {
		const zwerm = getZwerm();
		const created = await zwerm.practices.create(body);
		// A script hands this on to the facilitator: one use, a week (docs/THREAT_MODEL.md, Identity).
		const signIn = await zwerm.deviceCodes.issue(created.facilitator.member, Date.now(), CREATED_LINK_TTL_MS);
		const abs = (path: string) => new URL(path, url).href;
		return json(
			{
				id: created.practice.id,
				name: created.practice.name,
				framework: created.practice.framework.id,
				boards: created.practice.framework.aspects.map((a) => a.id),
				facilitator: { id: created.facilitator.member.id, name: created.facilitator.member.name, token: created.facilitator.token },
				links: {
					practice: abs(`/p/${created.practice.id}`),
					facilitator: abs(signIn.link),
					participant: abs(created.links.participant),
					observer: abs(created.links.observer)
				}
			},
			{ status: 201 }
		);
	} catch (e) {
		if (e instanceof z.ZodError) {
			error(400, {
				message: e.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '),
				code: 'invalid-request'
			});
		}
		if (isServiceError(e)) error(e.status, { message: e.message, code: e.code });
		throw e;
	}
};
