import { describe, expect, it } from 'vitest';
import { createLogger } from '#server/logger.ts';

/**
 * Issue 9, ecosystem: the pino logger never writes a session or invite token,
 * a cookie or an authorization header, wherever a caller put one, nor a
 * token in a `/join/…` or `/enter/…` path (docs/THREAT_MODEL.md, Strangers).
 */
function captured() {
	const lines: string[] = [];
	const logger = createLogger({ level: 'debug', destination: { write: (line: string) => void lines.push(line) } });
	return { logger, text: () => lines.join('') };
}

describe('the logger', () => {
	it('redacts tokens, cookies and authorization headers, at the top level and one level down', () => {
		const { logger, text } = captured();
		logger.warn('sign-in-failed', {
			token: 'SECRET-TOKEN-1',
			invite: 'SECRET-INVITE-2',
			cookie: 'zw_p=SECRET-COOKIE-3',
			headers: { cookie: 'zw_p=SECRET-COOKIE-4', authorization: 'Bearer SECRET-BEARER-5', 'set-cookie': 'zw_p=SECRET-COOKIE-6' },
			request: { token: 'SECRET-TOKEN-7', headers: { authorization: 'Bearer SECRET-BEARER-8', cookie: 'SECRET-COOKIE-9' } },
			address: '203.0.113.7'
		});
		const out = text();
		expect(out).toContain('sign-in-failed');
		expect(out).toContain('203.0.113.7');
		expect(out).toContain('[redacted]');
		expect(out).not.toMatch(/SECRET-/);
	});

	it('masks invite and device codes in paths inside any logged string', () => {
		const { logger, text } = captured();
		logger.error('request-failed', { url: 'https://zwerm.example/join/SECRETINVITE?x=1', message: 'GET /enter/SECRETCODE failed; see /p/abc/enter/SECRETOLD' });
		const out = text();
		expect(out).toContain('/join/[redacted]?x=1');
		expect(out).toContain('/enter/[redacted] failed');
		expect(out).not.toMatch(/SECRET/);
	});
});
