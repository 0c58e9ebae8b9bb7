import QRCode from 'qrcode';
import { sessionCookieName } from '$server/tokens.ts';
import { links } from '$server/practices.ts';
import { getZwerm } from '$server/context.ts';
import { practiceDoc } from '$lib/domain/docnames.ts';
import { readWindows } from '$lib/domain/windows.ts';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ parent, cookies, url, depends }) => {
	// The page asks again every minute, so a window opened or closed elsewhere shows up.
	depends('zwerm:windows');
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
		members,
		// Collection windows by board, as the practice document has them.
		windows: Object.fromEntries(readWindows(await getZwerm().readDocument(practiceDoc(practice.id))))
	};
};
