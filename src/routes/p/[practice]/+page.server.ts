import QRCode from 'qrcode';
import { sessionCookieName } from '$server/tokens.ts';
import { links } from '$server/practices.ts';
import { getZwerm } from '$server/context.ts';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ parent, cookies, url }) => {
	const { practice, me } = await parent();
	// The member's own session token makes their personal link (to continue on another device).
	const token = cookies.get(sessionCookieName(practice.id));
	const personal = token ? new URL(links.personal(practice.id, token), url).href : null;
	const members =
		me.role === 'facilitator'
			? (await getZwerm().practices.listMembers(practice.id)).map((m) => ({ id: m.id, name: m.name, role: m.role }))
			: [];
	return {
		personal,
		qr: personal ? await QRCode.toString(personal, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' }) : null,
		members
	};
};
