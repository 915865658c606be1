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

from collections.abc import Mapping, Sequence
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
        "the framework",
        "the ARF",
        "the Anti-racist Framework",
        "the anti-racism framework",
        "the anti racist framework",
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
        "{senior} talk about {framework} all the time but {frontline_staff} {place} have mostly "
        "never heard of it",
        "if you asked {a_role} {place} what {framework} is they wouldn't have a clue",
        "I only heard about {framework} through {edi}, it hasn't filtered down to "
        "{frontline_staff}",
        "awareness seems to stop at {mgmt_layer}",
        "it's well known in the corporate offices but not {place}",
        "it gets discussed at board level but it hasn't reached the shop floor",
        "there was a launch event but nobody {place} could be released to go",
        "it's on the intranet but {frontline_staff} don't have time to read that",
        "the managers seem to know about it, the rest of us {really}don't",
        "I'd never heard of {framework} until this survey",
        "{frontline_staff} I work with have no idea the Trust signed up to {framework}",
        "the message gets lost somewhere between {senior} and the staff {place}",
        "it feels like something for managers rather than for {frontline_staff}",
    ),
    "low_reporting_confidence": (
        "I wouldn't feel confident reporting racism, I've seen what happens to people who do",
        "people {place} don't report it because nothing happens when they do",
        "I reported something on {report_route} {time_ago} and never heard anything back",
        "colleagues are scared of being labelled a troublemaker if they speak up",
        "a lot of {gm_staff} just put up with comments rather than report them",
        "there's no point putting it on {report_route}, it just disappears",
        "I know how to report it, I just don't trust that anything would come of it",
        "you worry it'll come back on you, especially if you're on a visa or a fixed-term contract",
        "when it's a senior colleague nobody wants to be the one who reports it",
        "racist comments from patients get treated as part of the job so nobody reports them",
        "staff don't believe reporting makes a difference so they've stopped bothering",
        "{gm_staff} on my team have told me they'd rather keep their heads down than report",
        "I'd think twice before reporting, it's {really}not worth the hassle",
    ),
    "capability_gaps": (
        "managers don't know how to handle it when racism is reported",
        "when I raised it my manager didn't know what to do and it got passed around",
        "HR treated it as a personality clash rather than racism",
        "there's no clear process for dealing with racist abuse from patients",
        "investigations take months and the person affected gets no support in the meantime",
        "the Trust doesn't have the skills to investigate racism properly",
        "the response is always more training rather than dealing with the behaviour",
        "{edi} is one person and can't possibly support every case",
        "nobody checked on the staff member afterwards, it was just closed on {report_route}",
        "line managers haven't had any training on responding to racial harm",
        "how it's handled depends completely on which manager you get",
        "the policy says zero tolerance but nothing changes for the person who did it",
    ),
    "competing_priorities": (
        "anti-racism work gets pushed down the list whenever there's {pressure}",
        "with {pressure} it's hard to find time for anything else",
        "everything is about {pressure} at the moment and EDI always comes second",
        "meetings about {framework} are the first to be cancelled when the pressure's on",
        "it's seen as a nice to have when we're firefighting every day",
        "the financial position means anything that isn't a target gets dropped",
        "we had some momentum but then {pressure} took over",
        "operational pressures win every time",
        "staff can't be released {place} for the training because of staffing",
        "there are so many priorities that this one {really}gets lost",
    ),
    "inconsistent_accountability": (
        "some {senior} take it seriously and others don't, and nothing happens to them",
        "leaders aren't held to account when their areas don't improve",
        "whether anything gets done depends on who your director is",
        "there are no consequences for managers who ignore it",
        "{senior} signed the pledge but it isn't in anyone's objectives",
        "accountability sits with {edi} rather than with the people who have the power",
        "the board gets a report once a year and that's it",
        "nobody checks whether the actions in the plan actually happened",
        "it's {really}inconsistent between divisions, some care and some don't",
        "when the WRES figures don't move nobody is asked why",
    ),
    "submission_burden": (
        "{submission} took months of work and the guidance kept changing",
        "gathering evidence for {submission} was a huge job on top of the day job",
        "the submission process is confusing, we weren't sure what counted as evidence",
        "it felt like a paperwork exercise to get {submission} through",
        "the templates for {submission} are long and repetitive",
        "it isn't clear what Silver will ask for beyond Bronze",
        "too much time went on collecting evidence rather than doing anything",
        "we found the criteria {really}hard to interpret",
        "{submission} needed sign off from so many people that it took ages",
        "making it simpler to submit would help smaller organisations",
    ),
    "individuals_without_authority": (
        "it all rests on {edi}, who has no budget and no authority",
        "the work is done by network members in their own time",
        "a couple of passionate people carry it and if they left it would stop",
        "{edi} does this on top of a full-time clinical role",
        "the people driving it aren't senior enough to make anything happen",
        "staff network chairs get no protected time for this",
        "it's left to {gm_staff} to push for change, which isn't fair",
        "we need a dedicated post, not goodwill",
        "the people who care about it can't make the decisions",
        "when our network chair went on maternity leave everything stalled",
    ),
    "structure_and_legitimacy": (
        "{framework} has given us a shared language to talk about racism",
        "having {framework} means we can point to something when we challenge things",
        "it gave us a structure to work through rather than starting from scratch",
        "{framework} made it legitimate to raise race at {forum}",
        "going for Bronze made the board take it seriously for the first time",
        "it's given us clear steps, which we didn't have before",
        "we now have an anti-racism statement and an action plan because of {framework}",
        "it helps that the framework is the same across the North West",
        "it's opened up conversations {place} that weren't happening before",
        "it helps to say this is a regional expectation and not just our idea",
    ),
}

NO_THEME: dict[str, tuple[str, ...]] = {
    "written": (
        "Nothing to add.",
        "Nothing further.",
        "No, thank you.",
        "Not really.",
        "Nothing I can think of.",
        "Can't think of anything.",
        "Not that I've noticed.",
        "I'm new to the Trust so can't really comment.",
        "Good luck with the evaluation.",
        "No comment.",
        "Not sure.",
        "Thanks for asking staff.",
    ),
    "spoken": (
        "Yeah, same here.",
        "Mm, definitely.",
        "I'd agree with that.",
        "Yeah.",
        "That's true.",
        "Sorry, can you repeat the question?",
        "I think {other} covered it really.",
        "Nothing to add to that.",
        "Yes, absolutely.",
        "Same in ours, to be honest.",
        "Mm-hm.",
        "I was going to say the same thing.",
    ),
}

OPENINGS: dict[str, tuple[str, ...]] = {
    "written": (
        "",
        "",
        "",
        "Honestly, ",
        "In my experience ",
        "To be honest ",
        "I think ",
        "I feel ",
        "From what I've seen, ",
        "In my opinion ",
    ),
    "spoken": (
        "",
        "Yeah, ",
        "I think ",
        "For me, ",
        "Honestly, ",
        "I mean, ",
        "So, ",
        "From my side, ",
        "Just to add, ",
        "Building on what {other} said, ",
        "Like {other} said, ",
        "In our Trust, ",
        "Where I work, ",
        "Um, ",
    ),
}

PREFACES = (
    "I work {place}.",
    "Speaking as {a_role}.",
    "I've been in the NHS a long time.",
    "I'm fairly new to my post.",
    "I work across two sites.",
)

FILLERS = ("", "", "", "you know, ", "to be honest, ", "sort of, ", "I'd say ")

CONNECTORS: dict[str, tuple[str, ...]] = {
    "written": (". Also ", ". On top of that ", ", and ", ". The other thing is ", ". Plus "),
    "spoken": (
        ". And ",
        ", and ",
        ". The other thing is ",
        ". But also ",
        ", and on top of that ",
    ),
}

CLOSINGS: dict[str, tuple[str, ...]] = {
    "written": (".", ".", ".", "", ". Thanks.", ". That's just my view.", "!", "..."),
    "spoken": (
        ".",
        ".",
        ".",
        ". Yeah.",
        ", if that makes sense.",
        ". That's been my experience anyway.",
        ", you know?",
    ),
}


@cache
def _fields(template: str) -> tuple[str, ...]:
    return tuple(name for _, name, _, _ in Formatter().parse(template) if name)


def fill(template: str, picker: Picker, context: Mapping[str, str]) -> str:
    """Fill a template's slots: from ``context`` if given there, else from :data:`SLOTS`."""
    names = _fields(template)
    if not names:
        return template
    values = {n: context[n] if n in context else picker.choice(SLOTS[n]) for n in names}
    return template.format(**values)


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


def compose(
    themes: Sequence[str],
    register: str,
    picker: Picker,
    context: Mapping[str, str] | None = None,
) -> str:
    """One answer (``register="written"``) or turn (``"spoken"``) carrying exactly ``themes``.

    ``context`` fills slots that must agree with the setting (``other``: another speaker's id).
    """
    context = context or {}
    if not themes:
        return fill(picker.choice(NO_THEME[register]), picker, context)
    clauses = [fill(picker.choice(CLAUSES[theme]), picker, context) for theme in themes]
    text = fill(picker.choice(OPENINGS[register]), picker, context)
    if register == "spoken":
        text += picker.choice(FILLERS)
    text += clauses[0]
    for clause in clauses[1:]:
        text += picker.choice(CONNECTORS[register]) + clause
    text = _capitalise(text) + picker.choice(CLOSINGS[register])
    if register == "written":
        if picker.chance(0.15):
            text = fill(picker.choice(PREFACES), picker, context) + " " + text
        if picker.chance(0.08):
            text = text[:1].lower() + text[1:]
    return text
