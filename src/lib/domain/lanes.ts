/**
 * Which lane of a board a note is in — the one name for it, on the live board
 * and in the past alike: the collective lane (Samen), the anonymous notes, a
 * member's lane (`lane:<memberId>`), or my private notes (`private`: only ever
 * on my own screen; history never shows it).
 */
export type LaneKey = 'collective' | 'anonymous' | 'private' | `lane:${string}`;

export const memberLane = (memberId: string): `lane:${string}` => `lane:${memberId}`;
/** The member whose lane this is; null for the collective, anonymous and private lanes. */
export const laneMember = (lane: LaneKey): string | null => (lane.startsWith('lane:') ? lane.slice(5) : null);

/** A lane's name in the page (element ids, data attributes): the member's id for a member's lane, else the key. */
export const laneSlug = (lane: LaneKey): string => laneMember(lane) ?? lane;
