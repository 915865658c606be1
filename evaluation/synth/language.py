"""Free text in the voice of North West NHS staff, composed from phrase pools.

An answer or a focus-group turn is built from a theme clause (one per theme it carries), with its
slots filled from pools of specifics ("a band 5 nurse", "on the ward", "the EDI lead", "our Bronze
submission"), and wrapped in an opening, a connector and a closing that vary with the register
(written survey answer or spoken turn). There are a dozen clauses per theme and each has slots, so
the same theme is said in thousands of ways: a classifier has to learn the theme, not the sentence.

Theme ids are the leaf codes of the codebook (CONTRIBUTING.md); an answer with no theme is drawn
from the no-theme pools ("Nothing to add.", "Yeah, same here.").
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from string import Formatter

from evaluation.synth.streams import Picker

THEMES = (
    "uneven_awareness",
    "low_reporting_confidence",
    "capability_gaps",
    "competing_priorities",
    "inconsistent_accountability",
    "submission_burden",
    "individuals_without_authority",
    "structure_and_legitimacy",
)

SLOTS: dict[str, tuple[str, ...]] = {
    "senior": (
        "senior leaders",
        "the exec team",
        "the board",
        "directors",
        "people at the top",
        "the senior team",
        "divisional leads",
        "the executives",
    ),
    "framework": (
        "[the|this|our|the regional|the North West] [ARF|Anti-racist Framework|anti-racism "
        "framework|anti racist framework|framework]",
        "the [ARF|framework] [work|programme|stuff|thing]",
        "[ARF|the ARF]",
        "the framework [we signed up to|the Trust signed|the region launched]",
        "[the anti-racism|the race equality|the anti-racist] [work|programme|framework]",
    ),
    "frontline_staff": (
        "frontline staff",
        "most staff",
        "band 5 nurses",
        "HCAs",
        "porters and domestics",
        "staff on nights",
        "bank staff",
        "the people on the ground",
        "support workers",
        "healthcare support workers",
    ),
    "a_role": (
        "a band 5 nurse",
        "a healthcare assistant",
        "an HCA",
        "a porter",
        "a staff nurse",
        "a resident doctor",
        "a paramedic",
        "a physio",
        "a ward clerk",
        "a radiographer",
        "a support worker",
        "a band 3",
    ),
    "place": (
        "on the ward",
        "on the wards",
        "in ED",
        "in my department",
        "in theatres",
        "in the community teams",
        "at ward level",
        "in outpatients",
        "on the frontline",
        "on nights",
        "at station level",
        "on the units",
        "on my ward",
        "on the floor",
        "in clinic",
        "in my service",
        "in the control room",
        "on my unit",
        "in the hub",
        "in the community",
        "on the shop floor",
        "in our directorate",
    ),
    "mgmt_layer": (
        "band 7",
        "ward manager level",
        "matron level",
        "middle management",
        "the corporate teams",
        "the senior team",
        "band 8a",
    ),
    "edi": (
        "the EDI lead",
        "our EDI team",
        "the EDI manager",
        "the race equality network",
        "the staff network chair",
        "our Global Majority network",
        "the FTSU guardian",
        "the network co-chairs",
    ),
    "report_route": (
        "Datix",
        "the incident system",
        "Freedom to Speak Up",
        "the FTSU route",
        "HR",
        "the speak up app",
        "the online form",
    ),
    "time_ago": (
        "last year",
        "a few months ago",
        "in the spring",
        "over a year ago",
        "back in January",
        "before Christmas",
    ),
    "gm_staff": (
        "Global Majority staff",
        "international nurses",
        "overseas-trained staff",
        "Black and Asian colleagues",
        "IENs",
        "staff from ethnic minority backgrounds",
        "colleagues of colour",
    ),
    "pressure": (
        "winter pressures",
        "staffing shortages",
        "the financial recovery plan",
        "CIPs",
        "corridor care",
        "the elective backlog",
        "the restructure",
        "vacancy controls",
        "the merger",
        "the ICB cuts",
        "industrial action",
    ),
    "submission": (
        "our Bronze submission",
        "the Bronze evidence",
        "the ARF submission",
        "the evidence portfolio",
        "the self-assessment",
        "the submission paperwork",
    ),
    "forum": (
        "board",
        "team meetings",
        "the people committee",
        "huddles",
        "divisional meetings",
        "the staff briefing",
    ),
    "really": ("", "", "really ", "genuinely ", "honestly "),
}

CLAUSES: dict[str, tuple[str, ...]] = {
    "uneven_awareness": (
        "{senior} [talk about|go on about|keep mentioning|are always quoting|love talking about] "
        "{framework} [all the time|at every meeting|a lot|in every briefing] but {frontline_staff} "
        "{place} have [mostly|largely|pretty much|] never heard of it",
        "if you [asked|stopped] {a_role} {place} [what|about] {framework} [is|was|means] "
        "[they|he or she|most] [wouldn't have a clue|would have no idea|'d have no clue]",
        "I only [heard about|found out about|learned about|knew about] {framework} [through|"
        "because of|via|from] {edi}, it [hasn't filtered down|hasn't trickled down|hasn't got "
        "through|never reached] to {frontline_staff}",
        "[awareness|knowledge of it|understanding] [seems to stop|stops|kind of stops|just "
        "stops|tends to stop] at {mgmt_layer}",
        "[it's|the framework is|the ARF is] [well known|talked about|discussed] [in the corporate "
        "offices|at board level|in the senior team] but [not|never|hardly] {place}",
        "[there was|they did|we had] a [launch event|launch|roadshow|webinar|lunch and learn] "
        "but [nobody|no one|hardly anyone] {place} could be released to [go|attend|join]",
        "[it's|there's something|there was a piece] on the [intranet|staff bulletin|newsletter|"
        "website] but {frontline_staff} [don't|just don't|never] have time to read [that|it|"
        "any of that|emails]",
        "[the managers|managers|the band 7s|the seniors] [seem to|probably|definitely|might] "
        "know about it, [the rest of us|those of us {place}|the frontline] {really}don't",
        "I'd never heard of {framework} [until this survey|before today|until I got this "
        "survey|until {time_ago}|till now]",
        "{frontline_staff} I [work with|know|manage] have no idea [the Trust|we|my Trust] "
        "[signed up to|committed to|took on] {framework}",
        "the message [gets|got|seems to get] lost [somewhere|along the way] between {senior} "
        "and [the staff|people|us|everyone] {place}",
        "it [feels|seems|comes across] like [something for managers|a management thing|"
        "something for the senior team] rather than for {frontline_staff}",
        "[most|half|a lot|plenty] of {frontline_staff} {place} [haven't heard of|don't know "
        "about|aren't aware of|have never heard of] {framework}",
    ),
    "low_reporting_confidence": (
        "[I|I personally|I still] wouldn't feel [confident|comfortable|safe] [reporting "
        "racism|reporting it|speaking up|raising it], I've [seen|watched|heard] what happens to "
        "[people|colleagues|staff|nurses] who do",
        "[people|staff|colleagues|most of us] {place} don't report it because nothing "
        "[happens|changes|ever happens] when [they|we|you] do",
        "I [reported|raised|logged|flagged] [something|an incident|a comment|it|a racist "
        "remark] [on|through|via] {report_route} {time_ago} and never heard [anything|a thing] "
        "back",
        "[colleagues|people|staff|a lot of us] are [scared|afraid|worried|frightened] of being "
        "labelled a troublemaker if [they|we|you] [speak up|say something|report it|complain]",
        "a lot of {gm_staff} just put up with [comments|it|the comments|the abuse|the "
        "remarks] rather than [report|challenge|raise] [them|it]",
        "[there's|there is|honestly there's] no point [putting it on|logging it on|going thro"
        "ugh] {report_route}, it just [disappears|goes into a black hole|goes nowhere|vanishe"
        "s]",
        "I know how to report it, I just don't [trust|believe|think] [that|] anything would "
        "come of it",
        "you [worry|fear|know] it'll come back on you, [especially|particularly|even more] if "
        "you're on a [visa|fixed term contract|bank contract|preceptorship|probation]",
        "when it's a [senior colleague|consultant|manager|senior nurse|registrar] [nobody|no "
        "one] wants to be [the one who reports it|the person who reports|the one to report it"
        "|seen reporting them]",
        "racist [comments|remarks|abuse] from [patients|relatives|patients and relatives|the "
        "public] [get|gets|is] treated as part of the job so [nobody|no one] reports [them|it]",
        "[staff|colleagues|people] don't believe [reporting|speaking up|complaining] [makes a"
        " difference|changes anything|makes a difference any more] so [they've|we've|people h"
        "ave] stopped bothering",
        "{gm_staff} on my [team|ward|unit|shift] have told me they'd rather keep their heads "
        "down than [report|say anything|raise it|make a fuss]",
        "[I'd|I would|Most of us would] think twice before [reporting|raising anything|puttin"
        "g in a Datix|speaking up], [it's|it is|frankly it's] {really}not worth the [hassle|s"
        "tress|grief]",
        "[nobody|no one|hardly anyone] I know [feels safe|feels confident|would feel safe] "
        "[reporting|speaking up about|raising] racism {place}",
    ),
    "capability_gaps": (
        "[managers|line managers|ward managers|supervisors] [don't|just don't|often don't|"
        "didn't] know how to [handle it|respond|deal with it] when racism is [reported|raised|"
        "flagged]",
        "when I raised it my [manager|line manager|matron|supervisor] didn't know what to do "
        "and it got passed [around|from pillar to post|between people|up the line]",
        "HR [treated|dealt with] it as a [personality clash|conflict|misunderstanding] rather "
        "than [racism|a race issue|discrimination]",
        "[there's|there is|we have] no clear process for [dealing with|handling|responding to] "
        "racist [abuse|comments|incidents] from [patients|relatives|the public|colleagues]",
        "investigations take [months|ages|forever] and the [person affected|staff member|"
        "victim|colleague] gets no support [in the meantime|while they wait|at all]",
        "[the Trust|the organisation|HR] doesn't have the [skills|expertise|capability] to "
        "investigate [racism|racist incidents|complaints] properly",
        "the response is always more training rather than [dealing with|tackling|addressing|"
        "challenging] the [behaviour|person|culture]",
        "{edi} is [one person|a single person|stretched thin] and can't possibly support every "
        "[case|incident|referral]",
        "nobody checked on [the staff member|my colleague|the nurse|me] [afterwards|after that|"
        "later], it was just closed on {report_route}",
        "[line managers|our managers|team leaders|band 7s] haven't had any training on "
        "[responding to|handling|dealing with] [racial harm|racism|racist incidents]",
        "how it's handled depends [completely|entirely|totally|purely] on which manager you get",
        "the policy says zero tolerance but [nothing changes|nothing happens|nothing is done] "
        "[for|to|about] the [person who did it|perpetrator|colleague responsible]",
        "[managers|leaders|supervisors|matrons] [aren't|are not|just aren't] equipped to "
        "[handle|deal with|respond to] [it|racism|these incidents|complaints like that]",
    ),
    "competing_priorities": (
        "[anti-racism|EDI|race equality|this] work gets pushed down the list whenever "
        "[there's|there are] {pressure}",
        "with {pressure} [it's|it is|we find it] [hard|really hard|so hard|difficult|impossib"
        "le] to [find|make|carve out] time for [anything else|this|EDI|the framework]",
        "everything is about {pressure} [at the moment|right now|this year] and [EDI|this|race "
        "equality] always comes second",
        "[meetings|sessions|groups] about {framework} are the first to be cancelled when [the "
        "pressure's on|it gets busy|we're on black alert|there's an OPEL 4]",
        "[it's|EDI is|this work is] [seen as|treated as|regarded as] a nice to have [when|whi"
        "le|because] [we're|everyone is|the wards are] firefighting [every day|every shift|al"
        "l the time|constantly]",
        "the financial position means [anything|everything] that isn't a target gets [dropped|"
        "cut|parked]",
        "we had [some|a bit of|real|good] momentum but then {pressure} took over",
        "[operational|winter|service|financial] pressures [win|come first|take over] every time",
        "staff can't be released {place} for the [training|sessions|workshops] because of "
        "[staffing|short staffing|the rota|sickness]",
        "there are so many priorities that this one {really}gets lost",
        "[it's|EDI is|this is] [not a priority|a low priority|never a priority] [compared "
        "with|next to|against] {pressure}",
    ),
    "inconsistent_accountability": (
        "some {senior} take it seriously and [others|some] don't, and nothing happens to them",
        "[leaders|managers|directors] aren't held to account when their [areas|teams|divisions|"
        "services] don't improve",
        "whether anything [gets done|happens|changes] [depends on who|is down to who|depends "
        "on which person] [your|our|the] [director|manager|exec lead|divisional director] [is"
        "|happens to be]",
        "there are no consequences for [managers|leaders|people|consultants] who [ignore it|"
        "don't engage|drag their feet]",
        "{senior} signed the [pledge|statement|commitment|charter] but it isn't in anyone's "
        "[objectives|appraisal]",
        "accountability sits with {edi} rather than with [the people who have the power|the "
        "execs|senior leaders|the people who decide]",
        "the [board|committee|exec team|people committee] [gets|sees|receives] a [report|pape"
        "r|update] once a year and [that's|that is] [it|all|the end of it]",
        "[nobody|no one] checks whether [the actions|anything|the commitments] in the [plan|a"
        "ction plan|WRES plan] [actually|ever|really] [happened|got done|made a difference]",
        "it's {really}inconsistent between [divisions|directorates|sites|teams], some care and "
        "some don't",
        "when the [WRES|WDES|race] [figures|data|numbers] don't move [nobody|no one] is asked why",
        "[nobody|no one] is held accountable for [it|progress|the action plan|the outcomes]",
    ),
    "submission_burden": (
        "{submission} took [months|weeks] of [work|evenings|effort] and the guidance kept "
        "[changing|moving|shifting]",
        "gathering evidence for {submission} was a [huge|massive|big|ridiculous] [job|task|"
        "amount of work] on top of the day job",
        "the submission process is [confusing|complicated|unclear], we [weren't sure|didn't "
        "know|couldn't tell] what counted as evidence",
        "it felt like a paperwork exercise to get {submission} [through|over the line|done|"
        "signed off]",
        "the templates for {submission} are long and repetitive",
        "it isn't clear what [Silver|the next level|Gold] will ask for beyond Bronze",
        "too much time went on [collecting|gathering|chasing] evidence rather than [doing "
        "anything|actually doing things|making changes|helping staff]",
        "we found the [criteria|guidance|questions] {really}hard to [interpret|follow|understand]",
        "{submission} needed sign off from so many people that it took [ages|forever|months]",
        "making it simpler to submit would help [smaller organisations|small trusts|us|teams "
        "like ours]",
        "the [paperwork|evidence portfolio|submission|self-assessment] for Bronze was "
        "[heavy|burdensome|exhausting|onerous]",
    ),
    "individuals_without_authority": (
        "it all rests on {edi}, who has no [budget|authority|clout] and no [authority|power|"
        "protected time]",
        "the work is [done|carried|picked up] by [network members|volunteers|a few of us|staf"
        "f] in their own [time|evenings|lunch breaks]",
        "a couple of passionate [people|colleagues|individuals] [carry|hold|drive] it and if "
        "they left it would [stop|fall apart|fizzle out]",
        "{edi} [does this|does all of it|fits this in] on top of [a|their|her|his] [full-time"
        "|demanding|busy] [clinical|day|ward] [role|job]",
        "the people [driving|leading|pushing] it aren't senior enough to make [anything|change|"
        "things] happen",
        "[staff network chairs|network leads|our network chair|the network co-chairs] [get|ha"
        "ve|are given|are allowed] no protected time for [this|it|the work|network business]",
        "it's left to {gm_staff} to [push|drive|campaign] for change, which isn't fair",
        "we need a [dedicated|funded|paid|substantive] [post|role], not goodwill",
        "the people who [care about it|do the work|push for it] can't make the decisions",
        "when our network chair went on [maternity leave|long-term sick|secondment|annual "
        "leave] everything stalled",
        "it's [all|mostly|basically] [goodwill|volunteers|people giving up their lunch "
        "breaks|done in our own time]",
    ),
    "structure_and_legitimacy": (
        "{framework} has given us a shared [language|vocabulary] to talk about [racism|race|it]",
        "having {framework} means we can point to something when we [challenge things|push "
        "back|raise concerns|ask questions]",
        "it gave us a [structure|framework|roadmap] to work [through|to] rather than starting "
        "from scratch",
        "{framework} made it [legitimate|acceptable|normal] to raise race at {forum}",
        "going for Bronze made the [board|execs|leadership] take it seriously for the first time",
        "[it's|the framework has|the ARF has] given us [clear|practical|concrete] steps, [whi"
        "ch|and] we [didn't have|never had|lacked] [that|them] before",
        "we now have an anti-racism [statement|action plan|policy|strategy] because of {framework}",
        "it helps that the framework is the same across the North West",
        "it's opened up [conversations|the conversation|discussions] {place} that weren't "
        "happening before",
        "it helps to [say|be able to say|tell people] this is a regional expectation and not "
        "just our idea",
        "{framework} [gives|gave|has given] us [leverage|a mandate|permission] to [push|"
        "challenge|ask questions]",
    ),
}

# More normal phrasings, added to widen the pool (the rule patterns cover these too).
_MORE: dict[str, tuple[str, ...]] = {
    "uneven_awareness": (
        "[I doubt|I don't think|I'm not sure] [anyone|many people|more than a handful] {place} "
        "[could tell you|would know|have heard] what {framework} [is|involves|asks of us]",
        "[the|our] [band 7s|ward managers|matrons] [got|had|went to] a briefing [on|about] "
        "{framework} but [nothing|none of it] [came back|was passed on|got cascaded] to "
        "{frontline_staff}",
        "[outside|beyond] {mgmt_layer} [nobody|no one|hardly anybody] [has|'s] heard of "
        "{framework}",
        "{frontline_staff} [are|seem] [completely|totally|largely] unaware [of it|of {framework}|"
        "that it exists]",
        "[you|we] [only|mostly] hear about {framework} [if you go to|at|through] [the network|"
        "{forum}|EDI meetings], [not|never] {place}",
    ),
    "low_reporting_confidence": (
        "[what's|what is] the point [in|of] reporting [it|racism|anything] when [nothing|"
        "nothing ever] [changes|comes of it]",
        "[I've|we've|people have] [learned|learnt|been taught] [the hard way|over the years] "
        "that [raising it|reporting it|speaking up] [just|only] [makes it worse|marks you out|"
        "gets you noticed]",
        "[there's|there is] [a real|a big|a lot of] fear of repercussions [for|among] {gm_staff} "
        "[who|if they] [report|speak up|raise concerns]",
        "{gm_staff} [don't|do not|won't] [feel safe|feel able|feel confident] to speak up "
        "[about|when it comes to] [racism|racist behaviour|comments from colleagues]",
        "[honestly|frankly|to be fair] [I|we|they] keep quiet [now|these days|mostly] "
        "[because|as] [last time|the one time] [I|we|someone] [reported|complained] nothing "
        "[happened|changed]",
    ),
    "capability_gaps": (
        "[our|the] [managers|leaders|senior nurses] lack the [skills|confidence|training] to "
        "[respond to|deal with|handle] racism [properly|well|at all]",
        "[no one|nobody] [knew|seemed to know] how to [respond|handle it|deal with it] [when|"
        "after] [I|my colleague|a student nurse] [was|got] [abused|targeted|called names]",
        "[the|my] [complaint|case|grievance] was [treated|handled|dealt with] as a "
        "[misunderstanding|performance issue|conflict] [and|so] [nothing|no action] "
        "[followed|happened]",
        "[managers|supervisors|ward sisters] [aren't|are not|have never been] trained "
        "[in|on|for] [handling|responding to|dealing with] racist incidents",
        "[we|staff] [got|were given|were offered] no support [after|following|once] [the|an] "
        "[incident|investigation|complaint] [was closed|ended|finished]",
    ),
    "competing_priorities": (
        "[EDI|this work|anti-racism] [always|invariably|just] [falls off|drops off|gets pushed "
        "aside] [the agenda|the list] when {pressure} [hits|bites|kicks in]",
        "[nobody|no one] has [the|any] [headroom|time|capacity] [for|to think about] [this|EDI|"
        "race equality] [with|during|because of] {pressure}",
        "[targets|waiting lists|the money] [come|comes] first, [EDI|this|race equality] "
        "[second|last|a distant second]",
        "[our|the] [EDI|race equality|network] [meetings|sessions] [got|were|keep getting] "
        "cancelled because of [staffing|pressures|{pressure}]",
        "[it's|this is] [on the back burner|put on hold|low priority] [until|while] {pressure} "
        "[settles|is sorted|calms down]",
    ),
    "inconsistent_accountability": (
        "[no one|nobody] [senior|at the top|in the exec team] [has|gets] [any|real] "
        "consequences [for|when] [the|our] [WRES|race] [gap|data] [doesn't|don't] [change|"
        "improve]",
        "[accountability|responsibility] is [patchy|inconsistent|weak|unclear] [across|between] "
        "[divisions|directorates|services|sites]",
        "[some|a few] [managers|directors|leads] get away with [ignoring it|doing nothing|"
        "never engaging]",
        "[nobody|no one] is [ever|really] challenged [on|about] [progress|the actions|"
        "the race data] [at|in] {forum}",
        "[it's|it is] [not in|missing from] [the|our] [appraisals|objectives] [of|for] [leaders|"
        "managers|directors], so [nobody|no one] [owns|drives] it",
    ),
    "submission_burden": (
        "[pulling together|compiling|collating] the evidence [for|towards] {submission} "
        "[was|felt] [exhausting|overwhelming|endless]",
        "[the|our] [portfolio|self-assessment|evidence] [was|felt] [heavy|bureaucratic|"
        "time-consuming] [and|,] [nobody|no one] [knew|was sure] what [counted|they wanted]",
        "[too much|so much] paperwork [for|with] {submission} [and|,] [not enough|too little] "
        "[action|change|actual anti-racism]",
        "[the|those] [Bronze|Silver] criteria [were|are] [hard|difficult|impossible] to "
        "[interpret|follow|pin down]",
        "[it|the submission] [felt|was] [like|a] [box ticking|a tick-box exercise|form filling] "
        "[more than|rather than] [real change|doing the work|anything meaningful]",
    ),
    "individuals_without_authority": (
        "[it's|it is] [driven|carried|held together] by [a few|two or three|a handful of] "
        "[committed|passionate|dedicated] [individuals|people|staff] [in|on] [their own "
        "time|goodwill|top of their jobs]",
        "[our|the] [network chair|network lead|EDI lead] has no [authority|power|budget|"
        "clout] to [make|force|drive] [change|decisions|anything]",
        "[if|when] [she|he|they] [left|leaves|goes], [the|this] [work|network|whole thing] "
        "[would|will] [stop|collapse|fall apart]",
        "[the|our] [champions|network members|volunteers] [do|run] [it|this] [on top of|"
        "alongside] [their|a full] [day job|workload|clinical role]",
        "[people|staff|colleagues] [doing|leading] [this|the work] [aren't|are not] senior "
        "enough to [be heard|change things|make decisions]",
    ),
    "structure_and_legitimacy": (
        "[the|having the] [framework|ARF] [gives|has given|gave] [us|the network|staff] "
        "[a structure|a roadmap|clarity|direction] [to follow|for action|to work to]",
        "[now|these days|since then] we [can|are able to] point to [the framework|the ARF|"
        "something official] [when|if] [we|I] [challenge|raise|question] [things|behaviour|"
        "decisions]",
        "[it|the ARF|{framework}] [has|'s] given [us|me|the network] [legitimacy|permission|"
        "a mandate] to [talk about|raise|name] race [at|in] {forum}",
        "[it|the framework] [opened up|started] [conversations|the conversation|discussions] "
        "[that|which] [never|didn't] [happened|happen|used to happen] before",
        "[knowing|the fact] [it's|that it's|that it is] the same across the North West "
        "[helps|makes a difference|gives it weight]",
    ),
}
_MORE2: dict[str, tuple[str, ...]] = {
    "uneven_awareness": (
        "[ask|try asking|if you ask] {frontline_staff} [about|what they know about] "
        "{framework} and [you'll get|you get|there's] [blank faces|a shrug|silence]",
        "[comms|communication|the comms] about {framework} [never|rarely|don't] "
        "[reach|get to|make it to] {place}",
        "[it's|it is|the whole thing is] [very|quite|really] top heavy, [the knowledge|the "
        "awareness|the understanding] [sits|stays] with {senior}",
    ),
    "low_reporting_confidence": (
        "[why would you|who would] [report|speak up|raise it] when [you've|we've|they've] "
        "[seen|watched] [colleagues|people|others] [punished|sidelined|moved on] for [it|doing "
        "it|speaking up]",
        "[the|our] [reporting|incident|speak up] [system|process|route] [feels|seems|is] "
        "[pointless|unsafe|a waste of time] [for|to] {gm_staff}",
        "[people|colleagues|staff] [stay|keep] quiet [about|over] [racist|racial] "
        "[comments|abuse|remarks] [because|as] [they|we] [fear|expect] [repercussions|"
        "backlash|being blamed]",
    ),
    "capability_gaps": (
        "[HR|the investigating manager|the investigator] [had|has] no [idea|experience|"
        "training] [of|in|with] [racism|race cases|racial harassment] [cases|complaints|]",
        "[managers|leaders|ward managers] [struggle|don't know how] to [recognise|name|call "
        "out] racism [when|even when] [it's|it is] [reported|right in front of them]",
        "[the|our] [process|policy] for [racist|racial] [incidents|abuse] is [unclear|"
        "confusing|not fit for purpose] [and|so] [managers|staff] [make it up|improvise|do "
        "nothing]",
    ),
    "competing_priorities": (
        "[the|our] [EDI|race equality] [action plan|work|agenda] [keeps|always] [getting|gets] "
        "[deprioritised|squeezed|pushed aside] by {pressure}",
        "[no one|nobody] [can|could] [focus on|prioritise|think about] [this|EDI|anti-racism] "
        "[with|when there's|during] {pressure} [going on|happening|]",
        "[it's|it is] [always|just] [not the right time|bad timing|the wrong time] [because "
        "of|with] {pressure}",
    ),
    "inconsistent_accountability": (
        "[there's|there is] [no|zero|little] accountability [at|for] {senior} [when|if] "
        "[nothing|little] [changes|improves|moves]",
        "[leaders|directors|managers] [who|that] [ignore|block|resist] [it|the work|the plan] "
        "[are never|aren't ever|never get] [held to account|challenged|pulled up]",
        "[it|progress] [varies|differs] [massively|hugely|a lot] between [divisions|teams|"
        "sites|directorates] [and|but] [nobody|no one] [owns|is held to] it",
    ),
    "submission_burden": (
        "[the|our] {submission} [was|felt] [a|like a] [mountain|nightmare|slog] of [paperwork|"
        "evidence|admin]",
        "[the|those] [evidence|criteria|templates] [requirements|demands|] [are|were] "
        "[confusing|complex|unclear] and [took|ate up] [weeks|months|hours]",
        "[we|the team] [spent|wasted] [ages|weeks|months] [gathering|collating|chasing] "
        "evidence [for|towards] {submission}",
    ),
    "individuals_without_authority": (
        "[the|our] [EDI lead|network chair|champions] [has|have] [no|zero|little] [power|"
        "authority|budget] [to|and can't] [change|fix|decide] [anything|things]",
        "[it's|it is] [left|down] to [a few|a handful of|two or three] [passionate|committed|"
        "dedicated] [individuals|people|staff] to [push|drive|carry] [it|this|the work]",
        "[everything|all of it|the whole thing] [depends|relies|rests] on [goodwill|"
        "volunteers|people's own time]",
    ),
    "structure_and_legitimacy": (
        "[the framework|{framework}] [gives|has given|gave] [us|staff|the network] [a "
        "mandate|permission|legitimacy] [to|for] [raise|challenge|talk about] [race|racism]",
        "[we can|I can|people can] [now|finally] point to [the framework|the ARF|something "
        "written down] [when|whenever|if] [we|they] [raise|challenge|question] [things|racism|"
        "behaviour]",
        "[it's|the ARF has|the framework has] given [us|the Trust|leaders] a [clear|shared|"
        "common] [structure|roadmap|language] [to work to|for action|to follow]",
    ),
}
_MORE3: dict[str, tuple[str, ...]] = {
    "uneven_awareness": (
        "[my|our] [team|ward|shift|colleagues] [only|first] [found out|learned|heard] about "
        "{framework} [when|because] [this survey|the evaluation|your email] [came out|arrived|"
        "landed]",
        "[knowledge|awareness] of {framework} [drops off|falls away|disappears] [below|under] "
        "{mgmt_layer}",
        "{frontline_staff} {place} [think|assume|reckon] {framework} is [a management|an HR|a "
        "corporate] [thing|initiative|project]",
    ),
    "low_reporting_confidence": (
        "[a lot of us|many of us|most people] [have stopped|gave up] reporting [racism|"
        "incidents|comments] [because|since] [it's|it is] [pointless|never followed up|"
        "always dismissed]",
        "[if|when] [you|we|staff] [complain|raise it|report it] [you|we|they] [get|are] "
        "[labelled|seen as] [difficult|a problem|aggressive]",
        "{gm_staff} [feel|say they feel] [unsafe|unable|too scared] to report [it|racism|"
        "abuse] [in case|because] [it affects|it damages|it ruins] [their|your] [career|"
        "progression|visa]",
    ),
    "capability_gaps": (
        "[when|after] [I|my colleague|a student] reported [it|racism|the abuse], [the|my] "
        "[manager|supervisor|ward sister] [had no idea|was clueless|didn't have a clue] "
        "[what to do|how to respond]",
        "[no|zero|hardly any] [guidance|support|training] [for|on] [managers|leaders] "
        "[on|about] [racist incidents|racial harassment|handling racism]",
        "[racism|racist abuse] [cases|complaints] [get|are] [lost|bounced|passed] [between|"
        "around] [HR|managers|departments] [with no outcome|for months|and nothing happens]",
    ),
    "competing_priorities": (
        "[winter|the backlog|staffing] [always|just] [trumps|beats|wins over] [EDI|anti-racism|"
        "this work] [in the end|every year|when it matters]",
        "[we|the team|managers] [haven't got|have no|don't have] [capacity|time|room] for "
        "[this|EDI|the framework] [with|on top of] {pressure}",
        "[the|our] [race equality|anti-racism|EDI] [work|group] [paused|slowed|lost momentum] "
        "[when|after|once] {pressure} [took priority|came along|started]",
    ),
    "inconsistent_accountability": (
        "[senior|divisional|exec] [leaders|managers|directors] [face|have] no consequences "
        "[when|if] [they|their teams] [ignore|miss|fail] [the actions|the targets|it]",
        "[progress|delivery] [on|against] the [plan|actions] [isn't|is not|never gets] "
        "[checked|monitored|reviewed] [by anyone|at all|properly]",
        "[some|certain] [directors|divisions|managers] [do|deliver] [nothing|very little] "
        "and [nobody|no one] [asks why|notices|says anything]",
    ),
    "submission_burden": (
        "[the|our] [Bronze|ARF] [submission|evidence|portfolio] [took|needed|required] "
        "[weeks|months|hours and hours] [to pull together|to complete|of work]",
        "[collecting|gathering|compiling] [the|all the] evidence [was|felt] [bureaucratic|"
        "overwhelming|never-ending]",
        "[we|I] [weren't|wasn't|were never] [clear|sure|told] what [evidence|counted|they "
        "wanted] [for|towards] {submission}",
    ),
    "individuals_without_authority": (
        "[it|the work|this] [relies|depends|rests] on [a few|one or two|a handful of] "
        "[passionate|committed|dedicated] [people|staff|volunteers] [who|that] [have no|lack] "
        "[power|authority|budget]",
        "[our|the] [network|EDI] [lead|chair|champions] [do|does] [it|this|everything] "
        "[unpaid|in their own time|on goodwill]",
        "[without|with no] [protected time|a budget|authority] [the|our] [network|champions|"
        "lead] [can't|cannot] [change|deliver|decide] [much|anything]",
    ),
    "structure_and_legitimacy": (
        "{framework} [has given|gave|gives] [us|the Trust|the network] [a common|a shared|one] "
        "[language|vocabulary|way of talking] about [race|racism]",
        "[because of|thanks to] the [framework|ARF] [race|racism] [is|gets] [taken|treated] "
        "[seriously|more seriously|properly] at {forum}",
        "[it|the framework] [gave|has given|gives] us a [roadmap|structure|checklist] to "
        "[follow|work to|hang things on]",
    ),
}
_MORE4: dict[str, tuple[str, ...]] = {
    "uneven_awareness": (
        "[I reckon|I bet|I'd guess] [nine out of ten|most|the majority of] {frontline_staff} "
        "[couldn't name|have never seen|wouldn't recognise] {framework}",
        "[there's|there is] [a big|a real|a huge] gap in awareness between {senior} and "
        "{frontline_staff}",
        "[nothing|not a word|no one] about {framework} [has|ever] [come up|been mentioned|been "
        "said] [at|in] [handover|huddles|our team meetings] {place}",
    ),
    "low_reporting_confidence": (
        "[reporting|raising it|speaking up] [feels|seems|is] [risky|dangerous|career "
        "limiting] [for|if you're] {gm_staff}",
        "[I|we|they] [no longer|don't|never] [bother|try] [reporting|with Datix|with "
        "{report_route}] [as|because] [it's|it is] [a waste of time|ignored|never acted on]",
        "[staff|colleagues|people] [worry|fear] [retaliation|being targeted|payback] [if|when] "
        "[they|we] [report|name|call out] [racism|a colleague|a manager]",
    ),
    "capability_gaps": (
        "[investigating officers|investigators|HR advisers] [lack|don't have|haven't got] "
        "[any|the] [understanding|grasp|awareness] of [race|racism|racial trauma]",
        "[after|following] [a|the] [racist|racial] [incident|attack|comment], [support|"
        "follow up|aftercare] for [the staff member|the victim|staff] was [non-existent|"
        "poor|patchy]",
        "[leaders|managers] [default to|fall back on|reach for] [mediation|informal "
        "resolution|a quiet word] [instead of|rather than] [a proper investigation|"
        "action|a process]",
    ),
    "competing_priorities": (
        "[the|our] [money|budget|funding] [goes|went] on [agency|overtime|the deficit] "
        "[so|and] [EDI|anti-racism|this] [gets|got] [nothing|squeezed|cut]",
        "[EDI|anti-racism|this work] [never|doesn't] [survives|survive|make it through] "
        "[budget setting|the winter|a crisis]",
        "[when|once] {pressure} [hits|kicks in|starts] [everything|all] [non-urgent|"
        "non-essential|else] [stops|goes|is cancelled]",
    ),
    "inconsistent_accountability": (
        "[there's|there is] no [real|proper|consistent] [scrutiny|oversight|challenge] [of|on] "
        "{senior} [over|about|on] [race|the WRES|the action plan]",
        "[leaders|managers|directors] [are|get] [let off|excused|off the hook] [when|if] "
        "[race|equality] [targets|actions] [slip|are missed]",
        "[it|progress] [depends|hinges] [entirely|completely] on [the individual|the person|"
        "which leader] [in charge|at the top|leading it]",
    ),
    "submission_burden": (
        "[the|our] [submission|portfolio|evidence pack] [needed|took|required] [so much|"
        "endless|masses of] [evidence|paperwork|documentation]",
        "[the|this] [process|award process|submission] [is|was|felt] [too|very|overly] "
        "[bureaucratic|complicated|time consuming]",
        "[it|the Bronze bit] [ended up|turned into|became] [a|an] [paperwork|evidence|admin] "
        "[exercise|marathon|chore]",
    ),
    "individuals_without_authority": (
        "[change|progress] [depends|relies] on [a few|one or two|a couple of] [individuals|"
        "people|champions] [going the extra mile|giving up their time|pushing hard]",
        "[the|our] [lead|chair|network] [has|have] [no|zero] [authority|seniority|power] "
        "[to|so can't] [make|force|push through] [decisions|change]",
        "[it's|it is] [run|done|carried] [on|by] [goodwill|volunteers|people in their own "
        "time] [and|with] [no|zero] [resource|budget|protected time]",
    ),
    "structure_and_legitimacy": (
        "[having|with] {framework} [makes|made] it [easier|legitimate|acceptable] to [talk "
        "about|raise|challenge] [race|racism] [at|in] {forum}",
        "[the|this] framework [gives|has given|gave] [us|the work|the network] [legitimacy|"
        "weight|clout] [with|in front of] {senior}",
        "[it|the ARF] [has|'s] [opened up|started] [conversations|discussions|the "
        "conversation] about race [at|in] {forum}",
    ),
}
_EXTRA = (_MORE, _MORE2, _MORE3, _MORE4)
CLAUSES = {theme: CLAUSES[theme] + sum((m[theme] for m in _EXTRA), ()) for theme in CLAUSES}

# Held-back phrasings: the same themes said in words the codebook's rule patterns were NOT written
# from. They are never used by default (the committed waves use :data:`CLAUSES` only); a wave
# generated with ``phrasings="held_back"`` measures how the rules do on wording they never saw.
HELD_BACK: dict[str, tuple[str, ...]] = {
    "uneven_awareness": (
        "[ask|stop] anyone [in the canteen|in the staff room|at handover] about {framework} and "
        "you'll get a blank look",
        "it's a [corporate|head office|boardroom] thing, [most|half] of my team couldn't tell you "
        "what it stands for",
        "[the ARF|this anti-racism stuff] is [invisible|completely invisible|a mystery] {place}",
        "I had to [google|look up] {framework} when I got [the invite|this survey|the email]",
        "apart from {edi} I can't think of anyone {place} who [could explain|would recognise] it",
        "the [posters|lanyards|emails] went up but [people|colleagues] {place} honestly couldn't "
        "say what it's for",
    ),
    "low_reporting_confidence": (
        "[you|we] learn to [swallow it|let it go|brush it off] because making a fuss costs you",
        "[my|a] colleague [raised a concern|flagged it|spoke out] and got moved to [nights|"
        "another ward|a different base] afterwards",
        "filling in the form feels like [shouting into the void|a waste of energy|asking for "
        "trouble]",
        "[people|staff] are frightened it'll [affect their banding|go on their record|stop them "
        "getting promoted]",
        "I've [stayed silent|kept my mouth shut|said nothing] more times than I can count",
        "who would you even tell when the [person|one] doing it is your [supervisor|band 7|matron]",
    ),
    "capability_gaps": (
        "my [band 7|ward sister|matron] [froze|panicked|went quiet] and just [sent me to HR|"
        "told me to ignore it]",
        "HR [wanted|tried] to [mediate|have a chat|sort it informally] as if it was a "
        "[falling out|disagreement between equals]",
        "the [case|complaint] [dragged on|sat there] for [most of a year|eleven months] with "
        "[no updates|nobody in touch]",
        "[leaders|senior nurses|managers] {place} [lack|haven't got] the [confidence|know-how] "
        "to name it as race",
        "[I was|She was|He was] [left to cope|left on my own|left on her own] after the "
        "[incident|abuse] with no [debrief|follow up]",
        "every [incident|case] [gets|is] handled [differently|in a different way] and "
        "[mostly|usually] badly",
    ),
    "competing_priorities": (
        "[flow|the four-hour target|bed occupancy] is all anyone [cares about|asks about] so "
        "[EDI|this] [slides|slips]",
        "[our|the] [away day|working group|task and finish group] got [scrapped|binned] when "
        "{pressure} [hit|started]",
        "[people|staff] are [exhausted|burnt out|on their knees] and there's [no headspace|no "
        "bandwidth] for anything extra",
        "it always [slips|slides] [off the agenda|to next month] [because of|thanks to] {pressure}",
        "the [money|budget] [went on|is tied up in] agency [staff|cover] so [EDI|this] [waits|"
        "gets parked]",
        "[during|with] {pressure} [the EDI meeting|the network] just [vanished|disappeared off "
        "the calendar]",
    ),
    "inconsistent_accountability": (
        "[one|a] [director|divisional director|care group lead] [champions|drives] it, "
        "[the next|another] [couldn't care less|ignores it], and both get the same appraisal",
        "[there's|there is] [no|zero] [follow through|comeback] when [targets|actions] are missed",
        "[the actions|the plan] [just|quietly] [roll over|get carried forward] [every year|year "
        "after year]",
        "[it's|it is] a [lottery|postcode lottery] [depending on|down to] which [division|care "
        "group] you're in",
        "[leaders|execs] [talk the talk|say the right things] but [nobody|no one] [measures|"
        "tracks] what they [do|deliver]",
        "[no|not one] [senior leader|director] has ever [been pulled up|had to explain] "
        "[over|about] the race [data|gap]",
    ),
    "submission_burden": (
        "[uploading|pulling] [everything|the documents] [onto|into] the [portal|system] [ate|"
        "swallowed] [weeks|evenings]",
        "[the forms|the criteria] [read like|feel like] they were written for [a big teaching "
        "hospital|the big acutes]",
        "we [spent|lost] [our|the] [summer|spring] [chasing|hunting down] [screenshots|minutes|"
        "sign-offs]",
        "[nobody|no one] could [tell us|explain] [what good looks like|what would pass] for "
        "[Bronze|the award]",
        "[filling it in|the application] [took over|swallowed] [my|our] [job|team] for [a month|"
        "six weeks]",
        "[the|this] [Bronze|award] [bit|process] [felt|was] [more admin than|more about forms "
        "than] [change|action]",
    ),
    "individuals_without_authority": (
        "[it's|it is] [me|two of us|a handful of us] [doing it|keeping it going] [after shifts|"
        "at weekends|unpaid]",
        "[our|the] [network lead|chair] [has|holds] [no|zero] [say|sway] [over|on] [budgets|"
        "decisions|anything]",
        "[the whole thing|everything] would [collapse|fold|stop dead] if [Priya|Grace|Tunde|"
        "Ade] [moved on|retired|went]",
        "[enthusiasm|passion] [only|alone] gets you so far without [clout|sway|backing] "
        "[from the top|above]",
        "[we|the network] [get|are] [thanked|clapped] but never given [hours|resource|sway]",
        "[it's|it is] [run|carried] by [band 5s and 6s|junior staff|volunteers] with [no|zero] "
        "[sway|say]",
    ),
    "structure_and_legitimacy": (
        "[now|at last] [I|we] [can|could] [say|tell people] [this is|it's] [expected of us|"
        "required|what the region wants]",
        "[the ARF|the framework] [took|turned] [it|race] from a [personal crusade|side project] "
        "into [proper|real] work",
        "[having|with] [the ARF|it] [behind us|to lean on] [execs|managers] [listen|pay "
        "attention] [now|more]",
        "[it's|it is] [given|handed] [us|the network] a [ladder|route|sequence] to [climb|follow]",
        "[race|racism] [is|gets] [on the agenda|discussed openly] [now|these days], which [never|"
        "didn't] [happened|happen] before",
        "[being|working] [part of|alongside] the [region|other trusts] [makes|made] it [feel|"
        "seem] [official|serious]",
    ),
}

PHRASINGS = {"normal": CLAUSES, "held_back": HELD_BACK}
_PHRASING: ContextVar[str] = ContextVar("phrasing", default="normal")


@contextmanager
def phrasings(name: str) -> Iterator[None]:
    """Compose with the ``"normal"`` (default) or ``"held_back"`` theme clauses inside the block."""
    if name not in PHRASINGS:
        raise ValueError(f"unknown phrasings {name!r}: choose one of {sorted(PHRASINGS)}")
    token = _PHRASING.set(name)
    try:
        yield
    finally:
        _PHRASING.reset(token)


NO_THEME: dict[str, tuple[str, ...]] = {
    "written": (
        "[Nothing|Nothing else|Nothing more] to add[.|, thanks.|, thank you.|.]",
        "[No|Nope|No thanks|No, thank you][.|!|, not really.| - all covered above.]",
        "[Not really|Not at the moment|Not that I can think of|Nothing springs to mind][.|, "
        "thanks.|.]",
        "[I'm|I am] [new to the Trust|new in post|only {months} months in|on rotation] so "
        "[can't really comment|don't know enough to say|haven't much to add][.|, sorry.]",
        "[Good luck with|Thanks for doing|Glad someone is doing] [the evaluation|this work|this "
        "survey][.|!|, it matters.]",
        "[Not sure|Unsure|Don't know|No idea][.|, sorry.|, to be honest.]",
        "[Thanks for asking|Thank you for asking|Good to be asked] [staff|us|frontline staff][.|"
        "!|, it's rare.]",
        "[N/A|n/a|None|-|Nil]",
        "[I've|I have] said [it all|everything] [above|in the other box|already][.|, thanks.]",
        "[Please|Just please] [act on|listen to|read] [the results|what people say|this][.|!|, "
        "for once.]",
        "[No other comments|No further comments|Nothing further][.|, thanks.| at this time.|"
        " - good luck.]",
        "[Can't think of anything|Cannot think of anything|Nothing comes to mind] [else|more|"
        "right now][.|, sorry.|.]",
        "[All covered|Covered it all|Said my piece] [above|already|in the last question][.|, "
        "thanks.|!]",
        "[Keep up the good work|Keep going with this|Please keep doing this][.|!]",
    ),
    "spoken": (
        "[Yeah|Yes|Mm], [same here|same for us|that's the same for us][.|, really.]",
        "[Mm|Mm-hm|Yeah], [definitely|absolutely|100 per cent][.|.]",
        "I'd [agree with that|go along with that|echo that][.|, yeah.|, completely.]",
        "[Yeah|Yes|Mm-hm][.|...]",
        "[That's true|That's so true|That's fair][.|, yeah.]",
        "Sorry, can you [repeat|say] the question [again]?",
        "I think {other} [covered it|said it|put it well] [really|there|better than I could].",
        "[Nothing|Not much] to add to that[.|, really.]",
        "[Yes|Yeah], [absolutely|exactly|spot on][.|.]",
        "[Same in ours|Similar where I am|Ours is the same][, to be honest.|.|, yeah.]",
        "I was going to say the same [thing|as {other}][.|, actually.]",
        "[Sorry|Sorry, sorry], [I was on mute|my connection dropped|I missed that bit][.|, go on.]",
        "[Yeah|Mm], [I'm with {other} on that|{other}'s right|what {other} said][.|, really.|"
        ", yeah.]",
        "[Not much|Nothing really|Nothing more] from me [on that|on this one|this time][.|, "
        "sorry.|, thanks.]",
        "[Oh|Ah], [I'd forgotten that|that reminds me|good point][.|, yeah.]",
        "[Exactly|Precisely|Totally], [yeah|yes][.|, {other}.]",
    ),
}

OPENINGS: dict[str, tuple[str, ...]] = {
    "written": (
        "",
        "",
        "",
        "",
        "",
        "",
        "[Honestly|Frankly|Truthfully|Sadly|Personally|Realistically][,|] ",
        "[In|From] my [experience|own experience|time here|years here|area][,|] ",
        "[To be honest|If I'm honest|Being honest|In all honesty][,|] ",
        "[I think|I feel|I do feel|I'd say|I believe|I really think] ",
        "[From what I've seen|From what I can see|As far as I can tell|As I see it], ",
        "[In my opinion|In my view|My view is|My honest view is][,|] ",
        "[Where I work|In our Trust|In my team|On my ward|In our department|Round here][,|] ",
        "[For what it's worth|If it helps|Since you ask|Put simply], ",
        "[Speaking from experience|Speaking personally|Speaking as a manager|Speaking as staff], ",
    ),
    "spoken": (
        "",
        "",
        "",
        "[Yeah|Yes|Mm|Right][,|] [I mean, |so |]",
        "[I think|I feel|I'd say|I reckon][, um,|] ",
        "[For me|For me personally|For my team|For us][,|] ",
        "[Honestly|Frankly|Truthfully|Realistically], ",
        "[So|OK, so|Well|Right, so|Er, so|Um], ",
        "[From my side|From where I sit|On my side|In my bit of it], ",
        "[Just to add|Just quickly|Can I just add|If I can come in], ",
        "[Building on|Picking up on|Going back to|Following on from] what {other} said, ",
        "[Like|As] {other} [said|was saying|mentioned], ",
        "[In our Trust|Where I work|In my organisation|In our service|At ours], ",
        "[It's interesting|It's funny|It's strange], [because |]",
        "[Speaking for my team|Speaking as a manager|Speaking as a nurse|Speaking personally], ",
    ),
}

HEDGES: dict[str, tuple[str, ...]] = {
    "written": ("", "", "", "", "", "I'd say ", "probably ", "I suspect ", "I believe "),
    "spoken": (
        "",
        "",
        "",
        "",
        "you know, ",
        "to be honest, ",
        "sort of, ",
        "I'd say ",
        "I suppose ",
        "like, ",
        "if I'm honest, ",
        "I guess ",
    ),
}

# Context sentences: who is writing or speaking, with numbers and places; they carry no theme.
ASIDES: dict[str, tuple[str, ...]] = {
    "written": (
        "[I work|I'm based|I'm mostly] {place}.",
        "[Speaking as|Writing as|I'm] {a_role}[.| here.| by the way.]",
        "[I've been|Been|I've worked] [in the NHS|in healthcare|in this job] [{years} years|since "
        "{year}|a long time|for ages].",
        "[I'm|I am] [fairly|quite|very|pretty] new to my [post|role|band|team].",
        "[I work|I cover|I'm split] across [two|three|{n_sites}] [sites|hospitals|bases].",
        "[I've worked|I've been|Been] [at this Trust|at the Trust|here] [for {years} years|since "
        "{year}|{years} years now].",
        "[I'm|I am] {a_role} [on {ward}|in {dept}|based in {dept}].",
        "[Band|I'm a band|Currently band] {band}, [{years} years qualified|{years} years in "
        "post|part time|full time|nights mostly].",
        "[Came|I came|Moved|I moved|Arrived] [to the UK|to England|here|over] in {year} [to work "
        "in the NHS|as an IEN|from {country}|with my family].",
        "[Our|My] [ward|team|department] [has|is] [{years}|around {years}|over {years}] "
        "[staff|people|nurses] [and|,] [half|most|a lot] [are|of them are] [Global Majority|"
        "international recruits|from {country}].",
        "[Worked|I've worked] [in|on] {dept} [and|then] {ward} [over|in] the last {years} "
        "[years|months].",
    ),
    "spoken": (
        "[I'm|I am] {a_role} [on {ward}|in {dept}|over at {dept}].",
        "[I've been|I've worked] [qualified|in post|at my Trust|in the NHS] [{years} years|since "
        "{year}].",
        "[For context|Just for context|By way of background], I [work|'m based] [on {ward}|in "
        "{dept}|in the community].",
        "[I came over|I moved here] [from {country}|in {year}] [as an IEN|to work in the NHS|"
        "with my family].",
        "[On|Back on] {ward} [last week|the other week|{time_ago}], [it was|we were] [mad|"
        "rammed|really short].",
        "[I'm|I am] band {band}, [so|and] [I see both sides|I'm in the middle of it|I manage a "
        "small team].",
        "[We've got|There's] [{years}|about {years}|nearly {years}] [people|nurses|staff] on "
        "[my|our] [team|ward|unit] [and|,] [most are|a lot are|{years} are] [IENs|from overseas|"
        "bank].",
        "[Only {years}|{years}] [weeks|months] ago [on|at] {ward} [a|one of our] "
        "[patient's relative|patient|visitor] [said something|kicked off|was abusive] to "
        "[{a_role}|a student|me].",
        "[In my|On my] [last|previous] [Trust|job|placement] [in|at] {dept} it was [different|"
        "no better|worse|the same].",
    ),
}

EXTRA_SLOTS: dict[str, tuple[str, ...]] = {
    "ward": tuple(
        f"{w}"
        for w in (
            "ward 3",
            "ward 7",
            "ward 12",
            "ward 14",
            "ward 21",
            "ward 4B",
            "AMU",
            "the stroke unit",
            "ward 10A",
            "the acute medical unit",
            "ward 36",
            "CCU",
            "the surgical assessment unit",
            "ward 18",
            "the frailty unit",
            "ward 2",
            "ITU",
            "ward 9",
            "ward 27",
            "the maternity unit",
        )
    ),
    "dept": (
        "ED",
        "theatres",
        "radiology",
        "pharmacy",
        "outpatients",
        "the community teams",
        "estates",
        "the labs",
        "paediatrics",
        "maternity",
        "the discharge lounge",
        "physio",
        "the district nursing team",
        "mental health liaison",
        "the control room",
        "the crisis team",
        "critical care",
        "the health records office",
        "procurement",
        "the 111 hub",
    ),
    "country": (
        "India",
        "Nigeria",
        "the Philippines",
        "Kerala",
        "Ghana",
        "Zimbabwe",
        "Kenya",
        "Pakistan",
        "Nepal",
        "Jamaica",
        "Sri Lanka",
        "Poland",
        "Romania",
        "Hong Kong",
    ),
    "band": ("2", "3", "4", "5", "6", "7", "8a", "8b"),
}

# What it does to people: a clause's consequence, said after it; carries no theme of its own.
TAILS = (
    ", which [leaves|makes] [staff|people|colleagues|us] [feel|feeling] [let down|unheard|"
    "demoralised|invisible|worn out]",
    ", and [morale|confidence|trust in leaders] [suffers|is low|has dropped|takes a hit] "
    "[because of "
    "it|as a result|]",
    " - [it's|that's|which is] [demoralising|exhausting|disheartening|sad|wearing] [for "
    "everyone|for the team|to watch|]",
    ", [so|and so] [nothing|little|not much] [improves|gets better|shifts] [for|on] [the "
    "ground|patients|staff]",
)

CONNECTORS: dict[str, tuple[str, ...]] = {
    "written": (
        ". [Also|Plus|And|Then][,|] ",
        ". [On top of that|Not only that|What's more|Added to that|Beyond that][,|] ",
        ", and ",
        ", and [also|then|on top of that] ",
        ". The [other|second|bigger|main] [thing|issue|problem] is [that |]",
        "; ",
        " - ",
        ". [Separately|Another thing|Also worth saying|One more thing|Finally], ",
        ". ",
        ". ",
    ),
    "spoken": (
        ". And[,|, um,|] ",
        ", and[, like,|] ",
        ". The [other|other big|main] thing is[,|] ",
        ". But [also|then|on the other hand], ",
        ", and on top of that[,|] ",
        ". And [then|the other side of it is|I'd also say], ",
        ". [Oh, and|Also|Plus], ",
        ". [Then there's the fact that|Add to that|And actually] ",
        ". ",
    ),
}

CLOSINGS: dict[str, tuple[str, ...]] = {
    "written": (
        ".",
        ".",
        ".",
        ".",
        "",
        "!",
        "...",
        ".. ",
        " :(",
        ". [That's|This is] [just|only] my [view|opinion|take|experience][.|!|]",
        ". [Sorry to be|I don't mean to be|Not trying to be] [negative|a moaner|so negative][.|!]",
        ". [Something|Things|It] [needs to|has to|must] [change|give|improve][.|!|, soon.]",
        ". [It's|This is|That's] [not good enough|not OK|not acceptable|frustrating|exhausting]"
        "[.|!|, frankly.]",
        ". [Hope this helps|Hope that helps|Thanks for listening|Thanks for asking][.|!]",
        ". [Really|Very|So] [disappointing|frustrating|tiring|demoralising][.|!]",
        ". [Thanks|Thank you|Cheers][.|!]",
        ". [We|Staff|People] [deserve|need|want] [better|more than this|to be listened to][.|!]",
        ". [Please|I hope you] [do something|act|follow up] [with|on] "
        "[this|the results|what we say][.|!]",
        ". [I|We] [really|genuinely] [hope|wish] [this|it] "
        "[changes|gets better|improves][.|!|, soon.]",
        ". [Not sure|Unsure|No idea] what [else|more] to [say|suggest|add][.|!]",
        ". [Anyway|Rant over|That is all|That's all from me][.|!|, thanks.]",
    ),
    "spoken": (
        ".",
        ".",
        ".",
        ". Yeah.",
        ", if that makes sense.",
        ". [That's|That has] been my experience[ anyway|, anyway| at least|].",
        ", you know?",
        ". So, yeah.",
        ". [That's|That is] [all|it] really.",
        ", which is [hard|tough|difficult|draining].",
        ". It's [tough|hard|a lot].",
        ", honestly.",
        ". Yeah, [that's it|that's my bit|that's me]. ",
        ", and that's the [reality|truth of it|honest truth].",
        ". [I don't know if|Not sure if] [others|anyone else] [feel|find] the same.",
    ),
}

# Interchangeable wordings, applied to every template outside its own ``[...]`` groups, so that
# the connective tissue of a sentence varies as much as its content.
VARIANTS: dict[str, str] = {
    "a lot of": "[a lot of|lots of|loads of|plenty of|so many]",
    "at the moment": "[at the moment|right now|currently|these days|at present]",
    "the Trust": "[the Trust|our Trust|this Trust|the organisation|my Trust]",
    "people": "[people|colleagues|folk|staff]",
    "always": "[always|every time|invariably|always]",
    "a couple of": "[a couple of|two or three|a few|one or two]",
    "actually": "[actually|really|ever|]",
    "all the time": "[all the time|constantly|endlessly|non-stop]",
    "to be honest": "[to be honest|honestly|if I'm honest|truthfully|tbh]",
    "so many": "[so many|too many|loads of]",
    "anything": "[anything|anything at all|much]",
    "the first time": "[the first time|the first time ever|once]",
    "before": "[before|previously|in the past|until now]",
    "there's": "[there's|there is]",
    "it's": "[it's|it is]",
    "can't": "[can't|cannot|can not]",
    "a huge": "[a huge|a massive|a big|an enormous]",
    "every day": "[every day|every shift|daily|day in day out]",
    "which isn't fair": "[which isn't fair|which is unfair|and that's not right|which is wrong]",
    "properly": "[properly|well|fairly|thoroughly]",
    "seriously": "[seriously|more seriously|properly]",
    "nothing happens": "[nothing happens|nothing ever happens|nothing really happens]",
}


_ALTERNATIVES = re.compile(r"\[([^\[\]]*)\]")
_NUMBERS = {"years": (2, 31), "year": (1991, 2024), "months": (2, 11), "n_sites": (3, 5)}


_VARIANT = re.compile(
    r"\b(" + "|".join(re.escape(k) for k in VARIANTS) + r")(?![\w'])", re.IGNORECASE
)


_VARIANT_KEYS = {k.lower(): v for k, v in VARIANTS.items()}


@cache
def _parts(template: str) -> tuple[str | tuple[str, ...], ...]:
    """A template split into fixed text and groups of ``[a|b]`` alternatives.

    The fixed text's :data:`VARIANTS` become groups of their own.
    """
    parts: list[str | tuple[str, ...]] = []

    def fixed(text: str) -> None:
        position = 0
        for match in _VARIANT.finditer(text):
            parts.append(text[position : match.start()])
            parts.append(tuple(_VARIANT_KEYS[match.group(1).lower()][1:-1].split("|")))
            position = match.end()
        parts.append(text[position:])

    position = 0
    for match in _ALTERNATIVES.finditer(template):
        fixed(template[position : match.start()])
        parts.append(tuple(match.group(1).split("|")))
        position = match.end()
    fixed(template[position:])
    return tuple(p for p in parts if p != "")


def expand(template: str, picker: Picker) -> str:
    """Choose one option of every ``[a|b|c]`` group in ``template`` (options may be empty)."""
    return "".join(p if isinstance(p, str) else picker.choice(p) for p in _parts(template))


@cache
def _fields(template: str) -> tuple[str, ...]:
    return tuple(name for _, name, _, _ in Formatter().parse(template) if name)


def _slot(name: str, picker: Picker) -> str:
    if name in _NUMBERS:
        low, high = _NUMBERS[name]
        return str(low + int(picker.uniform() * (high - low + 1)))
    return expand(picker.choice(SLOTS[name] if name in SLOTS else EXTRA_SLOTS[name]), picker)


def fill(template: str, picker: Picker, context: Mapping[str, str]) -> str:
    """Expand ``[a|b]`` groups, then fill slots from ``context`` if given there, else pools."""
    template = expand(template, picker)
    names = _fields(template)
    if not names:
        return template
    values = {n: context[n] if n in context else _slot(n, picker) for n in names}
    return template.format(**values)


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


_TYPO_WORD = re.compile(r"\b[a-z]{6,}\b")


def _roughen(text: str, picker: Picker) -> str:
    """Written answers as people type them: sometimes lower case, no apostrophes or a typo."""
    if picker.chance(0.07):
        text = text.lower()
    elif picker.chance(0.06):
        text = text[:1].lower() + text[1:]
    if picker.chance(0.06):
        text = text.replace("'", "")
    if picker.chance(0.06):
        words = list(_TYPO_WORD.finditer(text))
        if words:
            m = picker.choice(words)
            i = m.start() + 1 + int(picker.uniform() * (len(m.group()) - 3))
            text = text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    if picker.chance(0.04):
        text = text.replace(" and ", " & ", 1)
    return text


_SPACES = re.compile(r"  +")
_DISFLUENT = re.compile(r"\b(I|we|it's|they|you)\b ")


def _disfluent(text: str, picker: Picker) -> str:
    """Spoken turns as transcribed: sometimes a repeated word or a false start."""
    if picker.chance(0.2):
        words = list(_DISFLUENT.finditer(text))
        if words:
            m = picker.choice(words)
            text = text[: m.start()] + m.group(1) + ", " + text[m.start() :]
    return text


def compose(
    themes: Sequence[str],
    register: str,
    picker: Picker,
    context: Mapping[str, str] | None = None,
) -> str:
    """One answer (``register="written"``) or turn (``"spoken"``) carrying exactly ``themes``.

    ``context`` fills slots that must agree with the setting (``other``: another speaker's id).
    Theme clauses come from :data:`CLAUSES`, or :data:`HELD_BACK` inside ``phrasings("held_back")``.
    A theme is sometimes said twice in different words (a longer answer), an aside about the
    writer's post sometimes comes first or last, and written answers are sometimes roughened.
    """
    context = context or {}
    if not themes:
        text = fill(picker.choice(NO_THEME[register]), picker, context)
        return _roughen(text, picker) if register == "written" else text
    pool = PHRASINGS[_PHRASING.get()]
    opening = fill(picker.choice(OPENINGS[register]), picker, context)
    clauses: list[str] = []
    for theme in themes:
        first = picker.choice(pool[theme])
        hedge = picker.choice(HEDGES[register])
        if (opening and not clauses) or first.startswith("I"):
            hedge = ""  # no "I think I suspect", no "probably I'd never heard"
        tail = picker.choice(TAILS) if picker.chance(0.2) else ""
        clauses.append(fill(hedge + first + tail, picker, context))
        if picker.chance(0.06):
            second = picker.choice([c for c in pool[theme] if c != first])
            clauses.append(fill(second, picker, context))
    text = opening + clauses[0]
    for clause in clauses[1:]:
        text += fill(picker.choice(CONNECTORS[register]), picker, context) + clause
    text = _capitalise(text) + fill(picker.choice(CLOSINGS[register]), picker, context)
    if picker.chance(0.5 if register == "spoken" else 0.35):
        aside = fill(picker.choice(ASIDES[register]), picker, context)
        text = aside + " " + text if picker.chance(0.6) else text.rstrip() + " " + aside
    text = _roughen(text, picker) if register == "written" else _disfluent(text, picker)
    return _SPACES.sub(" ", text).strip()
