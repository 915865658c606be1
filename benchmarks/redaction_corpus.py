"""Write the redaction benchmark's corpus: NHS staff comments with personal data labelled by span.

The sentences are written for the purpose, in the register of staff survey comments and focus
groups about racism at work; each template has slots of one kind, filled from pools of values
that are themselves written for the purpose (names across backgrounds, most of them on none of
the redactor's lists; numbers with valid check digits where the kind has one). A fixed seed picks
the fillings, so ``python -m benchmarks.redaction_corpus`` rewrites the same file
(``tests/data/redaction_corpus.jsonl``: one ``{"text", "spans": [[start, end, kind], ...]}`` per
line). Clean sentences (no personal data, but NHS proper nouns, bands, dates, money and counts)
are mixed in to count false redactions inside the register.
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "tests" / "data" / "redaction_corpus.jsonl"
SEED = 2025
KINDS = (
    "email", "phone", "nhs_number", "ni_number", "staff_number", "postcode", "url",
    "date_of_birth", "address", "handle", "ward", "name_listed", "name_unlisted", "surname",
    "name_after_verb", "titled_name", "name_lowercase",
)  # fmt: skip


def _nhs_numbers(rng: random.Random, n: int) -> list[str]:
    out = []
    while len(out) < n:
        digits = [rng.randint(0, 9) for _ in range(9)]
        check = 11 - sum(d * w for d, w in zip(digits, range(10, 1, -1), strict=True)) % 11
        check = 0 if check == 11 else check
        if check == 10:
            continue
        s = "".join(map(str, digits)) + str(check)
        out.append(rng.choice([s, f"{s[:3]} {s[3:6]} {s[6:]}", f"{s[:3]}-{s[3:6]}-{s[6:]}"]))
    return out


POOLS: dict[str, list[str]] = {
    "email": [
        "t.bakare@nhs.net",
        "wendell.achterberg@mft.nhs.uk",
        "siobhan_c@hotmail.co.uk",
        "kemi.adeyinka1@nhs.net",
        "b.wozniak@wwl.nhs.uk",
        "farah.qadir@gmail.com",
        "lmcardle@lthtr.nhs.uk",
        "raj.venkat+work@outlook.com",
        "o.nwachukwu@stockport.nhs.uk",
        "esi.ampofo@nhs.net",
        "d.kowalczyk@salford.nhs.uk",
        "j-fairweather@yahoo.co.uk",
    ],
    "phone": [
        "07700 900123",
        "07700900456",
        "0161 496 0012",
        "+44 7700 900789",
        "0151 496 0345",
        "(01942) 496 017",
        "07911 123456",
        "+44 (0)161 496 0999",
        "01772 496321",
        "07456-789012",
    ],
    "ni_number": [
        "QQ 12 34 56 C",
        "AB123456C",
        "JT 55 66 77 A",
        "ZX 98 76 54 D",
        "ce 12 90 44 b",
        "PR 01 23 45 A",
        "LM876543B",
    ],
    "staff_number": [
        "staff number 104233",
        "payroll no. 40917226",
        "employee ID E55120",
        "ESR number 31178845",
        "assignment number 20011934",
        "staff no 118822",
    ],
    "postcode": [
        "M13 9WL",
        "WN6 9EP",
        "L3 5PS",
        "SK2 7JE",
        "BL4 0JR",
        "OL1 2JH",
        "CH41 5LH",
        "PR2 9HT",
        "wa5 1qg",
        "M20 4BX",
    ],
    "url": [
        "www.facebook.com/ward7banter",
        "https://twitter.com/nursekemi",
        "https://www.linkedin.com/in/tunde-bakare-1234",
        "www.tiktok.com/@theatres_crew",
        "http://instagram.com/mft_porters",
    ],
    "date_of_birth": [
        "14/03/1987",
        "3rd May 1990",
        "22.11.1979",
        "1985-07-09",
        "June 4th, 1992",
        "30 September 1968",
        "12/1/84",
        "1 Feb 1995",
    ],
    "address": [
        "27 Acacia Grove, Salford",
        "14 Cranbourne Road",
        "Flat 3, 18 Wellington Street",
        "102 Moorside Lane, Swinton",
        "5 Heather Close, Wigan",
        "61 Beechwood Avenue",
        "9 Larchfield Drive, Bolton",
        "33 Mill Brow",
        "7a Kingsway Crescent, Stockport",
        "48 Orchard Mews",
    ],
    "handle": [
        "@ward7_banter",
        "@nurse_kemi",
        "@theatres_crew",
        "@mft_porters",
        "@bay4gang",
        "@tunde_b",
        "@sister_act_nw",
        "@night_shift_nw",
    ],
    "ward": [
        "Ward 7B",
        "Ward 12",
        "Bay 3",
        "bay 4",
        "Bed 12",
        "Ward C3",
        "side room 4",
        "ward 20",
        "Bay A",
        "Room 9",
    ],
    # On the shipped first-name list (and surname list, for the pairs).
    "name_listed": [
        "Ngozi",
        "Priya Patel",
        "Mohammed",
        "Agnieszka",
        "Kwame Mensah",
        "Sarah",
        "Fatima Begum",
        "Wei",
        "Olumide",
        "Deepak Sharma",
        "Tomasz",
        "Abena Owusu",
    ],
    # Full names that no list holds.
    "name_unlisted": [
        "Wendell Achterberg",
        "Tunde Bakare",
        "Kemi Adeyinka",
        "Bartek Wozniak",
        "Farah Qadir",
        "Ifeoma Chukwuemeka",
        "Lorcan McArdle",
        "Esi Ampofo",
        "Dariusz Kowalczyk",
        "Joanne Fairweather",
        "Rashida Lukwago",
        "Mervyn Pountney",
        "Anele Dlamini",
        "Marisol Quispe",
        "Tendai Mhlanga",
        "Gethin Prothero",
    ],
    # Surnames written alone.
    "surname": [
        "Okonkwo-Baptiste",
        "Achterberg",
        "Adeyinka",
        "Wozniak",
        "Pountney",
        "Kowalczyk",
        "Fairweather",
        "Lukwago",
        "Okafor",
        "Balogun",
        "Mhlanga",
        "Prothero",
        "Bakare",
        "Chukwuemeka",
    ],
    # Names after a verb of speech or contact ("ask Chidinma"), first names no list holds.
    "name_after_verb": [
        "Chidinma",
        "Wendell",
        "Tunde",
        "Kemi",
        "Bartek",
        "Lorcan",
        "Esi",
        "Dariusz",
        "Mervyn",
        "Anele",
        "Rashida",
        "Gethin",
        "Marisol",
        "Tendai",
    ],
    "titled_name": [
        "Dr Achterberg",
        "Mr Bakare",
        "Sister Fairweather",
        "Mrs Lukwago",
        "Dr Ifeoma Chukwuemeka",
        "Matron Pountney",
        "Prof Kowalczyk",
        "Ms Qadir",
        "Nurse Mhlanga",
        "Dr Prothero",
    ],
}

POOLS["name_lowercase"] = [  # informal comments drop capitals
    "chidinma",
    "tunde",
    "kemi",
    "bartek",
    "lorcan",
    "esi",
    "dariusz",
    "sarah",
    "priya",
    "mohammed",
    "wendell",
    "gethin",
    "rashida",
    "tendai",
]

TEMPLATES: dict[str, list[str]] = {
    "email": [
        "If anyone wants to talk, my email is {} and I will reply.",
        "I emailed the inclusion lead from {} and never heard back.",
        "Contact me on {} if you want the full story.",
        "The complaint came from {} and HR forwarded it to everyone.",
        "Please send the action plan to {} before the next meeting.",
    ],
    "phone": [
        "You can ring me on {} after my shift.",
        "The guardian gave out her mobile, {}, in the team huddle.",
        "I left my number ({}) with the FTSU office and nobody rang.",
        "Call {} if you want to hear what happened on nights.",
        "He kept texting my personal phone, {}, about rotas.",
    ],
    "nhs_number": [
        "The patient's NHS number {} was read out in front of everyone.",
        "I was sent a letter with NHS number {} on it, not even mine.",
        "They wrote {} on the board with the patient's bed.",
        "My own NHS no {} ended up in the incident report.",
    ],
    "ni_number": [
        "HR asked for my NI number {} three times in an open office.",
        "My national insurance number, {}, was printed on the rota sheet.",
        "The agency emailed {} to the whole team by mistake.",
        "I had to give {} again because the form went missing.",
    ],
    "staff_number": [
        "Put my {} on the Datix if you need it.",
        "I was told to quote {} when I raised the grievance.",
        "The investigation letter had my {} and my grade on it.",
        "You can check my {} against the bank shifts.",
    ],
    "postcode": [
        "I live near {} and the abuse followed me to the bus stop.",
        "They posted the letter to {} instead of my work address.",
        "Staff from around {} feel the Trust ignores them.",
        "The patient said he knew I lived in {} and would find me.",
    ],
    "url": [
        "Photos of us were shared on {} without asking.",
        "The video is still up at {} and HR says it is not their problem.",
        "Someone set up a page at {} mocking the overseas nurses.",
    ],
    "date_of_birth": [
        "She was born {} and has worked here since she left school.",
        "My DOB {} was on the list pinned in the staff room.",
        "Date of birth: {} was typed into the group chat next to my name.",
        "The form asked for d.o.b. {} and my religion, which felt wrong.",
        "He said I must be too old for promotion, born {} like me.",
    ],
    "address": [
        "They sent the disciplinary letter to {} even though I had moved.",
        "A patient turned up at {} after finding me online.",
        "I live at {} and the manager shared it with the agency.",
        "The new starter lives round the corner at {} and gets lifts with me.",
    ],
    "handle": [
        "There is an account called {} that posts about us.",
        "The porters follow {} and laugh at the posts.",
        "Look up {} and you will see what they say about Black staff.",
        "Someone tagged me in a post by {} after the listening event.",
    ],
    "ward": [
        "It happens every night on {} and nobody writes it down.",
        "The patient in {} refused care from anyone who was not White.",
        "I was moved to {} after I complained.",
        "Management know what goes on in {} but do nothing.",
        "They put the overseas nurses on {} every weekend.",
    ],
    "name_listed": [
        "{} stood up for me when the patient said it.",
        "I spoke to my manager, {}, and she laughed it off.",
        "When {} raised it at the huddle the room went quiet.",
        "Nobody backed {} after the complaint about racist remarks.",
        "It was {} who finally took it to the guardian.",
    ],
    "name_unlisted": [
        "I reported it to {} and nothing happened.",
        "{} from estates told us to stop making a fuss.",
        "The only person who listened was {} in the education team.",
        "After the meeting {} said the framework was a tick box.",
        "Everyone knows {} makes comments about accents.",
        "We were all interviewed by {} who had already decided.",
    ],
    "surname": [
        "{} on our ward keeps making jokes about my hijab.",
        "Nobody challenges {} because he is close to the directors.",
        "The complaint about {} went nowhere for months.",
        "I heard that {} was moved to days instead of being dealt with.",
        "Staff are scared of {} and will not report him.",
    ],
    "name_after_verb": [
        "You could ask {} in pharmacy, she saw it too.",
        "I told {} what the patient said and she cried.",
        "I escalated it to {} but the shift was too busy.",
        "We spoke to {} about the rota and got nowhere.",
        "Thanks to {} the network finally has a budget.",
        "I rang {} the next morning to say I was not coming in.",
    ],
    "name_lowercase": [
        "you could ask {} on nights, she saw the whole thing",
        "i told {} and nothing was done",
        "we reported it to {} and got no reply",
    ],
    "titled_name": [
        "{} said I should be grateful to have a job here.",
        "I complained about {} twice and was told to be resilient.",
        "The consultant, {}, refuses to learn how to say my name.",
        "It was {} who said the comments were just banter.",
    ],
}

# Lower-case names, written for this benchmark (by the "hostile" helper session, December 2026,
# before the redactor's lower-case rules were tuned on them): informal answers typed without
# capitals, a name after a verb of speech or contact, a role ("my manager"), before "said" or
# "told", or beside "me and". Names across backgrounds, most on none of the redactor's lists.
# Names that are also ordinary English words (grace, joy, will) are left out: no pattern can
# tell "ask grace" from "ask grace" in lower case without a person's reading (a known limit).
LOWERCASE_NAMES = [
    "ngozi", "femi", "olu", "amara", "nia", "oksana", "ravinder", "parveen", "magda", "bukola",
    "marisol", "aoife", "pawel", "thandiwe", "ife", "imran", "siobhan", "agnieszka", "hamza",
    "joanne", "kwame", "zainab", "esi", "dariusz", "wendell", "tunde", "sunita", "ciaran",
]  # fmt: skip
LOWERCASE_TEMPLATES = [
    "my manager {} just laughed when i raised it",
    "{} said it was only banter and i should toughen up",
    "spoke to {} in hr twice, still waiting",
    "my colleague {} has had the same comments for years",
    "emailed {} about the rota and never heard back",
    "{} told me to keep my head down if i want band 6",
    "thanks to {} on the network i finally reported it",
    "our ward manager {} never challenges the patients",
    "rang {} the next day but she was on leave",
    "me and {} were the only ones on the shift who were not white",
    "complained to {} about the comments and was moved to nights",
    "ask {} in theatres, he has seen it happen",
]
LOWERCASE_CLEAN = [
    "told my manager and nothing was done",
    "ask hr or the guardian, they never reply",
    "spoke to occupational health twice about it",
    "reported it on datix and nobody followed up",
    "thanks to the network we have a budget now",
    "me and the other nurses feel exactly the same",
    "rang the helpline but it was closed",
    "my manager said it was banter",
    "emailed pals about it and got a leaflet",
    "contact freedom to speak up if you can find them",
    "our ward manager never challenges the patients",
    "complained to the matron and she was lovely",
    "they said we should all do the training again",
    "asked about the band 6 post and was told to wait",
]

CLEAN = [
    "Band 5 and Band 6 nurses from overseas are passed over for Band 7 posts.",
    "We got Bronze in 2024 and the board wants Silver by next year.",
    "The Freedom to Speak Up Guardian is brilliant but has no time.",
    "Our EDI lead and HR wrote a WRES action plan with the ICB.",
    "The staff network meets monthly on Teams but managers never release people.",
    "Nothing changes after the Datix goes in.",
    "The NHS Trust board met on 12/03/2025 to sign off the plan.",
    "Budgets for 2024-25 rose by 4.5% but not for training.",
    "About 30 of 120 staff came to the listening event; 3 of them were Black.",
    "Senior leaders at Salford Royal talk about anti-racism but the frontline sees nothing.",
    "In Wigan the reverse mentoring scheme actually worked for a while.",
    "I work nights in the Emergency Department and it is worst at weekends.",
    "The framework gave us words for things we could not name before.",
    "Occupational Health were supportive but could not change the rota.",
    "Black History Month is the only time the board mentions race.",
    "International nurses from the Philippines and Nigeria do the hardest shifts.",
    "Our matron is fair but the consultants ignore her.",
    "The Anti-racist Framework submission took hours of evidence gathering.",
    "We have 12 beds and 3 bays and never enough staff.",
    "My manager said the survey would lead to change in March.",
    "Patients at Tameside shout at Asian staff and security never comes.",
    "Leaders are not held to account when they ignore complaints.",
    "The Race Equality Network at Manchester University NHS Foundation Trust has no budget.",
    "The ambulance service in Cumbria has almost no Global Majority managers.",
    "I have been a Band 3 healthcare assistant for eleven years.",
    "Training on cultural awareness was a 20 minute e-learning module.",
    "Muslim staff asked for a prayer room during Ramadan and were told no.",
    "The Workforce Race Equality Standard data goes to the board every September.",
    "Half of the team are on agency contracts from Lancashire.",
    "The Chief Nurse came to the ward once and listened properly.",
    "We need allies in management, not another poster.",
    "Our Bronze evidence was sent to the Assembly in January.",
    "Staff on the stroke unit feel unsafe reporting patients.",
    "I had 2 interviews for the Band 6 post and was told I lacked presence.",
    "Racism from patients is treated as part of the job.",
    "People in Liverpool and the Wirral say the same thing at every forum.",
    "The reporting form on the intranet asks too many questions.",
    "After Covid nobody had time for the inclusion work.",
    "Competing priorities always push anti-racism to the bottom.",
    "It depends on individual champions who have no authority.",
    "The People Promise and the framework say the same things.",
    "We raised it at the Joint Negotiating Committee on 5 June.",
    "Nurses from India were mocked for their accents at handover.",
    "The Cheshire and Merseyside ICB sent a survey but no feedback.",
    "Overall the Trust is better than it was in 2022.",
    "I reported it to my line manager and nothing happened.",
    "Ask the network chair and she will tell you the same.",
    "The only support came from the staff network.",
    "Reception staff at the Royal Preston Hospital get abuse daily.",
    "Porters and domestics are never asked what they think.",
    "Band 8a and above is almost entirely White.",
    "The Speak Up data showed 40 concerns about race last year.",
    "Stockport and Bolton both have new EDI posts this year.",
    "The survey took 10 minutes and I hope someone reads it.",
    "We were promised feedback by Christmas and it never came.",
    "The Lancashire and South Cumbria ICB held a conference on race.",
    "Doctors on rotation from Pakistan say the same as the nurses.",
    "Nobody from the Executive Team came to the Eid celebration.",
    "Good intentions, poor follow through.",
    "The Freedom to Speak Up Guardian reports to the Chief Executive.",
]


def build(seed: int = SEED) -> list[dict]:
    """Every template filled with several values of its kind, and the clean sentences."""
    rng = random.Random(seed)
    pools = dict(POOLS) | {"nhs_number": _nhs_numbers(rng, 12)}
    rows = []
    for kind, templates in TEMPLATES.items():
        values = pools[kind]
        for template in templates:
            for value in rng.sample(values, min(len(values), 4)):
                text = template.format(value)
                start = template.index("{}")
                end = start + len(value)
                # The label marks what identifies: the number after a staff-number label, the
                # name after a title (both kept in the text: "Dr [name]").
                if kind in ("staff_number", "titled_name"):
                    start += (
                        value.rindex(" ") + 1 if kind == "staff_number" else value.index(" ") + 1
                    )
                if start == 0 and value[0].islower():
                    text = text[0].upper() + text[1:]
                rows.append({"text": text, "spans": [[start, end, kind]]})
    # Two kinds in one sentence, as real comments have them.
    pairs = [
        ("I told {} and gave her my mobile, {}.", "name_after_verb", "phone"),
        ("{} lives at {} and everyone knows it.", "name_unlisted", "address"),
        ("Email {} or ask for {} on nights.", "email", "titled_name"),
        ("{} posts as {} about the ward.", "surname", "handle"),
        ("The letter to {} had my NHS number {} on it.", "address", "nhs_number"),
        ("Born {}, my NI number {} was on the same page.", "date_of_birth", "ni_number"),
    ]
    for template, first, second in pairs:
        for _ in range(4):
            a, b = rng.choice(pools[first]), rng.choice(pools[second])
            i = template.index("{}")
            j = template.index("{}", i + 2) - 2 + len(a)
            text = template.format(a, b)
            if first == "titled_name":
                raise AssertionError("label titles in pairs as in single sentences")
            if second == "titled_name":
                j += b.index(" ") + 1
                b = b[b.index(" ") + 1 :]
            rows.append({"text": text, "spans": [[i, i + len(a), first], [j, j + len(b), second]]})
    rows += [{"text": text, "spans": []} for text in CLEAN]
    lower = random.Random(seed + 1)  # its own stream: the rows above stay as they were
    for template in LOWERCASE_TEMPLATES:
        for value in lower.sample(LOWERCASE_NAMES, 4):
            start = template.index("{}")
            text = template.format(value)
            rows.append({"text": text, "spans": [[start, start + len(value), "name_lowercase"]]})
    rows += [{"text": text, "spans": []} for text in LOWERCASE_CLEAN]
    for row in rows:
        for start, end, kind in row["spans"]:
            assert kind in KINDS and re.search(r"\w", row["text"][start:end])
    return rows


def write(path: Path = OUT) -> Path:
    rows = build()
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [json.dumps(r, ensure_ascii=False) for r in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


if __name__ == "__main__":
    out = write()
    rows = build()
    kinds = sorted({s[2] for r in rows for s in r["spans"]})
    print(f"{out}: {len(rows)} sentences, {len(kinds)} kinds")
