import { practiceIdParam, requireMember } from '#lib/server/session.ts';
import { getZwerm } from '#server/context.ts';
import { links } from '#server/practices.ts';
import type { MemberInfo } from '#lib/domain/practice.ts';
import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = async ({ params, cookies }) => {
	const { practice, member } = await requireMember(practiceIdParam(params.practice), cookies);
	return {
		practice: { id: practice.id, name: practice.name, framework: practice.framework, defaultVisibility: practice.defaultVisibility },
		me: { id: member.id, name: member.name, role: member.role },
		// The member list as it is now, so a board opens every lane at once; the
		// practice document keeps it live from there.
		members: (await getZwerm().practices.listMembers(practice.id)).map(
			(m): MemberInfo => ({ id: m.id, name: m.name, role: m.role, joinedAt: m.createdAt, hadLane: m.hadLane })
		),
		invites:
			member.role === 'facilitator'
				? {
						participant: links.invite(practice.participantInvite),
						observer: links.invite(practice.observerInvite),
						short: await getZwerm().shortLinks.of(practice)
					}
				: null
	};
};
