/**
 * The built-in reflection frameworks: ordered aspects, each with a name, a
 * short explanation and dialogue questions, in Dutch (primary) and English.
 *
 * Sources (the Dutch seed texts): the "Conceptueel kader voor lerende praktijken"
 * (Werkplaatsen Sociaal Domein, Table 1), the paradoxes of social learning
 * (voor’an·de·ren) and the knowledge processes of Nonaka & Takeuchi as
 * described for learning networks. Table 1 questions are quoted verbatim.
 */

export type Localized = { readonly nl: string; readonly en: string };

export interface Aspect {
	readonly id: string;
	readonly name: Localized;
	readonly explanation: Localized;
	readonly questions: readonly Localized[];
	readonly poles?: { readonly left: Localized; readonly right: Localized };
}

/** An aspect a facilitator removed from a running practice: its board stays, read-only (framework-change.ts). */
export interface ArchivedAspect extends Aspect {
	readonly archivedAt: number;
}

export interface Framework {
	readonly id: string;
	readonly name: Localized;
	readonly description: Localized;
	readonly aspects: readonly Aspect[];
	/** Aspects removed while the practice ran; absent on the built-in frameworks and new practices. */
	readonly archived?: readonly ArchivedAspect[];
}

// ---------------------------------------------------------------------------
// 1. Conceptueel kader voor lerende praktijken (default)
// ---------------------------------------------------------------------------

const LERENDE_PRAKTIJKEN = {
	id: 'lerende-praktijken',
	name: {
		nl: 'Conceptueel kader voor lerende praktijken',
		en: 'Conceptual framework for learning practices'
	},
	description: {
		nl: 'Zeven aspecten met dialoogvragen om te reflecteren op hoe het leren in een lerende praktijk in zijn werk gaat, uit ‘Sociaal transformeren kan alleen lerend’ van de werkgroep Lerende Praktijken van de Werkplaatsen Sociaal Domein.',
		en: 'Seven aspects with dialogue questions for reflecting on how learning works in a learning practice, from ‘Sociaal transformeren kan alleen lerend’ by the Learning Practices working group of the Werkplaatsen Sociaal Domein.'
	},
	aspects: [
		{
			id: 'intentie',
			name: { nl: 'Intentie', en: 'Intention' },
			explanation: {
				nl: 'Het is van belang met welke doelstelling of motivatie betrokkenen meedoen aan de lerende praktijk: het kan uitmaken of iemand vrijwillig meedoet of door zijn organisatie is gestuurd.',
				en: 'It matters with what aim or motivation people take part in the learning practice: it can make a difference whether someone joins voluntarily or was sent by their organisation.'
			},
			questions: [
				{
					nl: 'Wat is de bedoeling van de lerende praktijk? (volgens verschillende betrokkenen)',
					en: 'What is the purpose of the learning practice? (according to the various people involved)'
				}
			]
		},
		{
			id: 'activiteit',
			name: { nl: 'Activiteit', en: 'Activity' },
			explanation: {
				nl: 'Het soort activiteit zet de toon: wisselen deelnemers vooral praktijkervaringen uit, werken ze aan een gezamenlijk handelingskader, of streven ze naar verandering van de gedeelde praktijk?',
				en: 'The kind of activity sets the tone: do participants mainly exchange practical experiences, do they work on a shared framework for action, or do they strive to change their shared practice?'
			},
			questions: [
				{
					nl: 'Wat wordt er gedaan in de lerende praktijk?',
					en: 'What is being done in the learning practice?'
				}
			]
		},
		{
			id: 'normativiteit',
			name: { nl: 'Normativiteit', en: 'Normativity' },
			explanation: {
				nl: 'Verschillen in perspectieven, opvattingen en waarden spelen een rol. Als daarin meer gedeelde basis bestaat, verloopt het gezamenlijk proces anders dan wanneer ze sterk uiteenliggen.',
				en: 'Differences in perspectives, views and values play a part. Where there is more common ground, the joint process unfolds differently than where they diverge strongly.'
			},
			questions: [
				{
					nl: 'Welke opvattingen, normen, waarden zijn heersend en beïnvloeden de acties van betrokkenen?',
					en: 'Which views, norms and values prevail and influence the actions of those involved?'
				}
			]
		},
		{
			id: 'context',
			name: { nl: 'Context', en: 'Context' },
			explanation: {
				nl: 'De bredere context is van belang om de onderlinge verhoudingen en de geschiedenis van de deelnemers op waarde te kunnen schatten: zijn er bijvoorbeeld machtsverschillen tussen opdrachtgevers (subsidiegevers, overheden) en opdrachtnemers (welzijnsorganisaties), en is er een goed samenwerkingsklimaat in de regio?',
				en: 'The wider context matters for appreciating the participants’ mutual relationships and history: are there, for example, power differences between commissioning parties (funders, governments) and contractors (welfare organisations), and is there a good climate for collaboration in the region?'
			},
			questions: [
				{
					nl: 'In welke globale context staat de lerende praktijk?',
					en: 'In what broader context is the learning practice situated?'
				}
			]
		},
		{
			id: 'space-en-place',
			name: { nl: 'Space en place', en: 'Space and place' },
			explanation: {
				nl: 'De ruimte beïnvloedt het proces, zowel fysiek (space: ontmoeten we elkaar op de hogeschool, in de grote hal van het gemeentehuis of in een buurtcentrum?) als psychologisch (place: voel ik me daar net zo thuis als jij, voelen we gezamenlijkheid?).',
				en: 'The space influences the process, both physically (space: do we meet at the university of applied sciences, in the main hall of the town hall or in a community centre?) and psychologically (place: do I feel as much at home there as you do, do we feel a sense of togetherness?).'
			},
			questions: [
				{
					nl: 'In welke abstracte en fysieke (space) en welke beleefde en psychologische (place) ruimte speelt de lerende praktijk zich af?',
					en: 'In which abstract and physical (space) and which experienced and psychological (place) space does the learning practice take place?'
				}
			]
		},
		{
			id: 'actanten',
			name: { nl: 'Actanten', en: 'Actants' },
			explanation: {
				nl: 'Welke personen, maar ook dingen (zoals beleidsstukken, protocollen, kaders, lokale tradities of rituelen), zijn zo invloedrijk dat ze vorm en inhoud van het leerproces bepalen? Denk aan de rol van vlaai bij de koffie, of een beleidskader dat niet ter discussie mag staan.',
				en: 'Which people, but also things (such as policy documents, protocols, frameworks, local traditions or rituals), are so influential that they shape the form and content of the learning process? Think of the role of vlaai with the coffee, or a policy framework that may not be questioned.'
			},
			questions: [
				{
					nl: 'Wat zijn relevante spelers?',
					en: 'Who are the relevant players?'
				},
				{
					nl: 'Welke dingen (beleidsstukken, fysieke zaken) of gebeurtenissen (bezuinigingen, aanbestedingen) spelen een rol?',
					en: 'Which things (policy documents, physical matters) or events (budget cuts, tenders) play a role?'
				}
			]
		},
		{
			id: 'outcome-waarde',
			name: { nl: 'Outcome/waarde', en: 'Outcome/value' },
			explanation: {
				nl: 'Ook de (verwachte) uitkomst of de daadwerkelijk geleverde meerwaarde van de lerende praktijk zet de toon voor het gezamenlijke leerproces.',
				en: 'The (expected) outcome, or the added value the learning practice actually delivers, also sets the tone for the joint learning process.'
			},
			questions: [
				{
					nl: 'Wat levert de lerende praktijk op?',
					en: 'What does the learning practice yield?'
				},
				{
					nl: 'Dat kan van alles zijn, zowel op individueel als op collectief niveau. Voor jou, voor de groep, voor je collega’s, voor de organisatie?',
					en: 'That can be anything, at both the individual and the collective level. For you, for the group, for your colleagues, for the organisation?'
				},
				{
					nl: 'Wat zijn eventuele onbedoelde uitkomsten?',
					en: 'What, if any, are the unintended outcomes?'
				}
			]
		}
	]
} as const satisfies Framework;

// ---------------------------------------------------------------------------
// 2. Paradoxen van sociaal leren
// ---------------------------------------------------------------------------

const PARADOXEN = {
	id: 'paradoxen',
	name: { nl: 'Paradoxen van sociaal leren', en: 'Paradoxes of social learning' },
	description: {
		nl: 'Vier paradoxen waartussen sociaal leren balanceert, uit ‘Sociaal leren’ van voor’an·de·ren (Wageningen University & Research).',
		en: 'Four paradoxes between which social learning balances, from ‘Sociaal leren’ by voor’an·de·ren (Wageningen University & Research).'
	},
	aspects: [
		{
			id: 'actie',
			name: { nl: 'Actie', en: 'Action' },
			explanation: {
				nl: 'Over balanceren tussen noodzaak en competentie: wat de situatie van ons vraagt en wat wij (al) kunnen.',
				en: 'About balancing between necessity and competence: what the situation asks of us and what we can (already) do.'
			},
			questions: [
				{
					nl: 'Waar staan wij tussen noodzaak en competentie?',
					en: 'Where do we stand between necessity and competence?'
				},
				{
					nl: 'Wat moet er nu gebeuren, en wat kunnen wij daar al aan bijdragen?',
					en: 'What needs to happen now, and what can we already contribute to it?'
				}
			],
			poles: {
				left: { nl: 'Noodzaak', en: 'Necessity' },
				right: { nl: 'Competentie', en: 'Competence' }
			}
		},
		{
			id: 'reflectie',
			name: { nl: 'Reflectie', en: 'Reflection' },
			explanation: {
				nl: 'Over balanceren tussen afstand en verbondenheid: afstand nemen om ervaringen te herkennen, te benoemen en te veralgemeniseren, en tegelijk verbonden blijven met de praktijk en met elkaar.',
				en: 'About balancing between distance and connectedness: stepping back to recognise, name and generalise experiences, while staying connected to the practice and to each other.'
			},
			questions: [
				{
					nl: 'Waar staan wij tussen afstand en verbondenheid?',
					en: 'Where do we stand between distance and connectedness?'
				},
				{
					nl: 'Nemen we genoeg afstand om onze ervaringen te herkennen, te benoemen en te veralgemeniseren?',
					en: 'Do we step back far enough to recognise, name and generalise our experiences?'
				}
			],
			poles: {
				left: { nl: 'Afstand', en: 'Distance' },
				right: { nl: 'Verbondenheid', en: 'Connectedness' }
			}
		},
		{
			id: 'communicatie',
			name: { nl: 'Communicatie', en: 'Communication' },
			explanation: {
				nl: 'Over balanceren tussen eenzijdig en meerzijdig: informeren en zenden, of met alle betrokkenen in gesprek gaan en kennis en ervaring delen.',
				en: 'About balancing between one-way and multi-way: informing and broadcasting, or entering into conversation with everyone involved and sharing knowledge and experience.'
			},
			questions: [
				{
					nl: 'Waar staan wij tussen eenzijdig en meerzijdig communiceren?',
					en: 'Where do we stand between one-way and multi-way communication?'
				},
				{
					nl: 'Wiens stem horen we, en wiens stem (nog) niet?',
					en: 'Whose voice do we hear, and whose voice do we not (yet) hear?'
				}
			],
			poles: {
				left: { nl: 'Eenzijdig', en: 'One-way' },
				right: { nl: 'Meerzijdig', en: 'Multi-way' }
			}
		},
		{
			id: 'cooperatie',
			name: { nl: 'Coöperatie', en: 'Cooperation' },
			explanation: {
				nl: 'Over balanceren tussen consensus en conflict: betrokkenen hebben slechts op onderdelen gemeenschappelijke belangen, en juist daar is samen leren mogelijk.',
				en: 'About balancing between consensus and conflict: those involved share interests only in part, and it is precisely there that learning together becomes possible.'
			},
			questions: [
				{
					nl: 'Waar staan wij tussen consensus en conflict?',
					en: 'Where do we stand between consensus and conflict?'
				},
				{
					nl: 'Welke verschillen in belangen en opvattingen benutten we, en waar zoeken we overeenstemming?',
					en: 'Which differences in interests and views do we make use of, and where do we seek agreement?'
				}
			],
			poles: {
				left: { nl: 'Consensus', en: 'Consensus' },
				right: { nl: 'Conflict', en: 'Conflict' }
			}
		}
	]
} as const satisfies Framework;

// ---------------------------------------------------------------------------
// 3. Kennisprocessen (Nonaka & Takeuchi)
// ---------------------------------------------------------------------------

const KENNISPROCESSEN = {
	id: 'kennisprocessen',
	name: { nl: 'Kennisprocessen', en: 'Knowledge processes' },
	description: {
		nl: 'De vier kennisprocessen van Nonaka & Takeuchi (1995), uit de methodebeschrijving ‘Leernetwerken’.',
		en: 'The four knowledge processes of Nonaka & Takeuchi (1995), from the method description ‘Leernetwerken’ (learning networks).'
	},
	aspects: [
		{
			id: 'socialisatie',
			name: { nl: 'Socialisatie', en: 'Socialisation' },
			explanation: {
				nl: 'Impliciete kennis delen door met elkaar op te trekken en samen op weg te gaan naar nieuwe inzichten en ervaringen.',
				en: 'Sharing tacit knowledge by working alongside each other and setting out together towards new insights and experiences.'
			},
			questions: [
				{
					nl: 'Welke ervaringen hebben we samen opgedaan sinds de vorige bijeenkomst?',
					en: 'What experiences have we gained together since the last meeting?'
				},
				{
					nl: 'Wat hebben we van elkaar opgepikt door met elkaar op te trekken?',
					en: 'What have we picked up from each other by working alongside each other?'
				}
			]
		},
		{
			id: 'externalisatie',
			name: { nl: 'Externalisatie', en: 'Externalisation' },
			explanation: {
				nl: 'Impliciete kennis expliciet maken (expliciteren), onder andere door ideeën die je over een thema of vraagstuk hebt te bespreken met anderen.',
				en: 'Making tacit knowledge explicit, among other things by discussing the ideas you have about a theme or issue with others.'
			},
			questions: [
				{
					nl: 'Welke ideeën over ons thema kunnen we onder woorden brengen?',
					en: 'Which ideas about our theme can we put into words?'
				},
				{
					nl: 'Wat weten we eigenlijk al, zonder dat we het ooit hebben uitgesproken?',
					en: 'What do we actually already know, without ever having said it out loud?'
				}
			]
		},
		{
			id: 'combinatie',
			name: { nl: 'Combinatie', en: 'Combination' },
			explanation: {
				nl: 'Expliciete kennis samen met de opvattingen van de andere deelnemers combineren tot nieuwe denkrichtingen, oplossingen of toepassingen.',
				en: 'Combining explicit knowledge with the views of the other participants into new lines of thought, solutions or applications.'
			},
			questions: [
				{
					nl: 'Welke inzichten van verschillende deelnemers kunnen we samenbrengen?',
					en: 'Which insights from different participants can we bring together?'
				},
				{
					nl: 'Welke nieuwe denkrichtingen, oplossingen of toepassingen ontstaan daaruit?',
					en: 'What new lines of thought, solutions or applications emerge from that?'
				}
			]
		},
		{
			id: 'internalisatie',
			name: { nl: 'Internalisatie', en: 'Internalisation' },
			explanation: {
				nl: 'Expliciete kennis eigen maken door die in het eigen werk toe te passen en ermee te experimenteren, zodat ze weer vanzelfsprekende, impliciete kennis wordt.',
				en: 'Making explicit knowledge your own by applying it and experimenting with it in your own work, so that it becomes self-evident, tacit knowledge again.'
			},
			questions: [
				{
					nl: 'Wat passen we van het geleerde toe in ons eigen werk?',
					en: 'What of what we have learned do we apply in our own work?'
				},
				{
					nl: 'Wat doen we inmiddels anders, zonder er nog bij stil te staan?',
					en: 'What do we now do differently, without giving it a second thought?'
				}
			]
		}
	]
} as const satisfies Framework;

// ---------------------------------------------------------------------------
// Registry, goals board and lookup
// ---------------------------------------------------------------------------

export const BUILTIN_FRAMEWORKS: readonly Framework[] = [
	LERENDE_PRAKTIJKEN,
	PARADOXEN,
	KENNISPROCESSEN
];

export const DEFAULT_FRAMEWORK_ID = 'lerende-praktijken';

/** The goals board every practice has besides the framework's aspects. */
export const GOALS_ASPECT: Aspect = {
	id: 'doelen',
	name: { nl: 'Leerdoelen', en: 'Learning goals' },
	explanation: {
		nl: 'Individuele en gezamenlijke (leer)doelen, gedeeld met alle betrokkenen en regelmatig opnieuw bekeken. Zo staat het leerproces zelf mede centraal en ontstaat er gelegenheid voor betekenisvolle uitwisseling daarover.',
		en: 'Individual and shared (learning) goals, shared with everyone involved and revisited regularly. This puts the learning process itself at the centre too and creates room for meaningful exchange about it.'
	},
	questions: [
		{ nl: 'Wat wil ik leren?', en: 'What do I want to learn?' },
		{ nl: 'Wat willen wij samen leren?', en: 'What do we want to learn together?' },
		{
			nl: 'Waartoe? Wat willen we met ons leren bereiken?',
			en: 'What for? What do we want to achieve with our learning?'
		},
		{
			nl: 'Waar staan we nu ten opzichte van onze doelen?',
			en: 'Where do we stand now in relation to our goals?'
		}
	]
};

export function getBuiltinFramework(id: string): Framework | undefined {
	return BUILTIN_FRAMEWORKS.find((framework) => framework.id === id);
}
