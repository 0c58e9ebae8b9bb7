import QRCode from 'qrcode';
import { getZwerm } from '#server/context.ts';
import { screenCookieName } from '#server/tokens.ts';
import { practiceIdParam } from '#lib/server/session.ts';
import type { MemberInfo } from '#lib/domain/practice.ts';
import type { PageServerLoad } from './$types';

/**
 * The room's screen (server/screens.ts): signed in by its own cookie, never as
 * a member. It gets what the group sees and the participants' invite link —
 * the one thing it shows that members do not all have, and the reason it is
 * on the wall — as its short link. No one's personal sign-in link.
 */
export const load: PageServerLoad = async ({ params, cookies, url, setHeaders }) => {
	setHeaders({ 'cache-control': 'no-store' });
	const zwerm = getZwerm();
	const practiceId = practiceIdParam(params.practice);
	const screen = await zwerm.screens.session(practiceId, cookies.get(screenCookieName(practiceId)));
	const practice = screen && (await zwerm.practices.get(practiceId));
	if (!screen || !practice) return { paired: false as const };
	// The short link (server/short-links.ts): typed from the back of the room, and a QR code
	// with fewer, larger modules than the full invite's.
	const join = new URL(await zwerm.shortLinks.of(practice), url).href;
	return {
		paired: true as const,
		// Invites renewed after this moment make the page load again (the practice document tells).
		servedAt: Date.now(),
		screen: { id: screen.id, pairedBy: screen.pairedBy },
		practice: { id: practice.id, name: practice.name, framework: practice.framework },
		join,
		qr: await QRCode.toString(join, { type: 'svg', margin: 0, errorCorrectionLevel: 'M' }),
		// As the page is served; the practice document keeps it live from there.
		members: (await zwerm.practices.listMembers(practice.id)).map(
			(m): MemberInfo => ({ id: m.id, name: m.name, role: m.role, joinedAt: m.createdAt, hadLane: m.hadLane })
		)
	};
};
