"""The course catalog: the delivery channels and how courses are placed on them, the
credential issuers and their certificates and badges, and ``build_catalog``.
"""

from __future__ import annotations

import math
from datetime import date

from sample.design import CATEGORIES, DEFAULT_TODAY, SKILL_CATEGORY, SKILLS
from sample.helpers import _pick, _rng, _slug, _uuid
from sample.model import Course

# Catalog channels: which export carries a course's records.
CHANNEL_PROVIDER = {
    "moodle": "Moodle",
    "linkedin": "LinkedIn Learning",
    "udemy": "Udemy Business",
    "coursera": "Coursera",
    "cmi5": "Alderbrook Academy (cmi5)",
    "cornerstone": "Cornerstone",
    "scorm": "SCORM Cloud",
}
#: Platforms bought per seat; others are open to everyone.
LICENSED = ("linkedin", "udemy", "coursera")
#: Channels whose exports keep one row per learner and course (a retake overwrites it).
SINGLE_ROW = ("moodle", "linkedin", "udemy", "cornerstone")

#: Generated (non-special) courses per channel.
CHANNEL_SLOTS = {"moodle": 28, "linkedin": 34, "udemy": 22, "coursera": 14, "cmi5": 6, "cornerstone": 11, "scorm": 13}
#: The internal academy built open courses for the skills of its on-track strategic goals;
#: off-track goal skills are only taught on licensed platforms (one reason they lag).
FORCED_CHANNELS = {
    ("Cloud Computing", 3): "cmi5",
    ("Secure Coding", 3): "moodle",
    ("Incident Response", 3): "scorm",
    ("People Management", 3): "cornerstone",
    ("Data Visualization", 3): "moodle",
    ("Machine Learning", 3): "coursera",
    ("Kubernetes", 3): "udemy",
    ("Consultative Selling", 3): "linkedin",
}
#: category -> channel affinity used when placing generated courses.
CHANNEL_AFFINITY = {
    "Cloud": {"moodle": 0.5, "linkedin": 1, "udemy": 1.5, "coursera": 1, "cmi5": 1.2, "cornerstone": 0.3, "scorm": 0.5},
    "Data": {
        "moodle": 0.6,
        "linkedin": 1,
        "udemy": 1.2,
        "coursera": 1.5,
        "cmi5": 0.4,
        "cornerstone": 0.3,
        "scorm": 0.4,
    },
    "Software": {
        "moodle": 0.7,
        "linkedin": 1,
        "udemy": 1.6,
        "coursera": 0.6,
        "cmi5": 0.6,
        "cornerstone": 0.2,
        "scorm": 0.6,
    },
    "Security": {
        "moodle": 1.2,
        "linkedin": 0.8,
        "udemy": 0.6,
        "coursera": 0.5,
        "cmi5": 1.2,
        "cornerstone": 0.8,
        "scorm": 1.6,
    },
    "Leadership": {
        "moodle": 1.3,
        "linkedin": 1.2,
        "udemy": 0.3,
        "coursera": 0.8,
        "cmi5": 0.2,
        "cornerstone": 1.6,
        "scorm": 0.6,
    },
    "Business": {
        "moodle": 1.0,
        "linkedin": 1.2,
        "udemy": 0.4,
        "coursera": 0.9,
        "cmi5": 0.2,
        "cornerstone": 1.4,
        "scorm": 0.8,
    },
}
TITLE_TEMPLATES = {
    "moodle": {
        1: "{s} Basics",
        2: "{s} 101",
        3: "{s} 201: In Practice",
        4: "{s} 301: Advanced Topics",
        5: "{s} 401: Expert Clinic",
    },
    "linkedin": {
        1: "{s} Quick Start",
        2: "{s} Essential Training",
        3: "{s}: Putting It into Practice",
        4: "Advanced {s}",
        5: "Mastering {s}",
    },
    "udemy": {
        1: "{s} Crash Course",
        2: "{s} for Beginners: A Complete Guide",
        3: "Hands-On {s}: Real-World Projects",
        4: "{s} Masterclass",
        5: "{s} Expert Bootcamp",
    },
    "coursera": {
        1: "Introduction to {s}",
        2: "Foundations of {s}",
        3: "Applied {s}",
        4: "{s} Capstone Project",
        5: "{s} Research Seminar",
    },
    "cmi5": {
        1: "{s} Lab: Orientation",
        2: "{s} Lab: Getting Started",
        3: "{s} Lab: Hands-On Scenarios",
        4: "{s} Lab: Advanced Scenarios",
        5: "{s} Lab: Expert Challenges",
    },
    "cornerstone": {
        1: "{s} Briefing",
        2: "{s} Workshop",
        3: "{s} Intensive",
        4: "{s} Leadership Programme",
        5: "{s} Executive Programme",
    },
    "scorm": {
        1: "{s} Awareness Module",
        2: "{s} eLearning Module",
        3: "{s} Scenario Simulation",
        4: "{s} Advanced Simulation",
        5: "{s} Expert Simulation",
    },
}
MOODLE_CODES = {
    "Cloud": "cld",
    "Data": "dat",
    "Software": "swe",
    "Security": "sec",
    "Leadership": "lead",
    "Business": "biz",
}

#: Credential issuers: name -> (domain, Open Badges version: "2", "3" or "2to3" = moved to 3.0 mid-history).
ISSUERS = {
    "Nimbus Cloud Institute": ("badges.nimbus-institute.example", "2to3"),
    "Stratus Academy": ("credentials.stratus-academy.example", "2"),
    "Kubeforge Foundation": ("certs.kubeforge.example", "3"),
    "Cipher Security Council": ("verify.cipher-council.example", "3"),
    "DataGuild": ("badges.dataguild.example", "2"),
    "Scrumwise Guild": ("badges.scrumwise.example", "2"),
    "Alderbrook Academy": ("academy.example.com", "3"),
}
#: (title, issuer, credential_type, skills, validity_months, exam price USD, hours)
CREDENTIALS: list[tuple[str, str, str, list[tuple[str, int]], int | None, float, float]] = [
    (
        "Nimbus Certified Cloud Practitioner",
        "Nimbus Cloud Institute",
        "certificate",
        [("Cloud Computing", 2), ("AWS", 2)],
        36,
        100.0,
        15,
    ),
    (
        "Nimbus Certified Solutions Architect - Associate",
        "Nimbus Cloud Institute",
        "certificate",
        [("AWS", 3), ("Cloud Computing", 3)],
        36,
        150.0,
        40,
    ),
    (
        "Nimbus Certified Solutions Architect - Professional",
        "Nimbus Cloud Institute",
        "certificate",
        [("AWS", 4), ("Cloud Computing", 4)],
        24,
        300.0,
        80,
    ),
    (
        "Stratus Certified Cloud Administrator",
        "Stratus Academy",
        "certificate",
        [("Azure", 3), ("Cloud Computing", 3)],
        12,
        165.0,
        35,
    ),
    (
        "Certified Kubeforge Administrator",
        "Kubeforge Foundation",
        "certificate",
        [("Kubernetes", 4), ("Linux Administration", 3)],
        24,
        395.0,
        60,
    ),
    (
        "Certified Kubeforge Application Developer",
        "Kubeforge Foundation",
        "certificate",
        [("Kubernetes", 3), ("Docker", 3)],
        24,
        395.0,
        45,
    ),
    (
        "Cipher Certified Security Practitioner",
        "Cipher Security Council",
        "certificate",
        [("Security Operations", 3), ("Network Security", 3)],
        36,
        249.0,
        50,
    ),
    (
        "Cipher Certified Cloud Security Professional",
        "Cipher Security Council",
        "certificate",
        [("Cloud Security", 4), ("Identity and Access Management", 3)],
        36,
        599.0,
        80,
    ),
    (
        "Cipher Certified Incident Handler",
        "Cipher Security Council",
        "certificate",
        [("Incident Response", 3)],
        36,
        349.0,
        40,
    ),
    (
        "DataGuild Certified Data Engineer",
        "DataGuild",
        "certificate",
        [("Data Pipelines", 3), ("SQL", 3)],
        24,
        200.0,
        45,
    ),
    ("Scrumwise Professional Scrum Master", "Scrumwise Guild", "certificate", [("Agile Delivery", 3)], 24, 150.0, 16),
    ("Cloud Cost Champion", "Alderbrook Academy", "badge", [("FinOps", 3)], None, 0.0, 8),
    (
        "Secure Coding Champion",
        "Alderbrook Academy",
        "badge",
        [("Secure Coding", 3), ("Threat Modeling", 2)],
        12,
        0.0,
        10,
    ),
    (
        "Data Storyteller",
        "Alderbrook Academy",
        "badge",
        [("Data Visualization", 3), ("Communication", 2)],
        None,
        0.0,
        8,
    ),
    ("Inclusive Leader", "Alderbrook Academy", "badge", [("People Management", 3), ("Coaching", 2)], None, 0.0, 12),
]
#: Extra generated (skill, level) ladders on top of levels 2 and 3 for every skill.
EXTRA_LEVELS = [
    ("Python", 5),
    ("SQL", 4),
    ("Statistics", 4),
    ("Hiring and Interviewing", 4),
    ("Strategic Thinking", 4),
    ("Decision Making", 4),
    ("People Management", 4),
    ("Communication", 4),
]

#: The internal academy's site (cmi5 course IRIs, xAPI accounts).
ACADEMY_HOME = "https://academy.example.com"


def build_catalog(seed: int, today: date = DEFAULT_TODAY) -> list[Course]:
    """150 courses from 7 delivery channels plus credential issuers; the same at every scale."""
    rng = _rng(seed, "catalog")
    skills_by_cat = {c: [s for s, cat, _ in SKILLS if cat == c] for c in CATEGORIES}
    specs: list[tuple[str, int]] = [(s, lvl) for s, _, _ in SKILLS for lvl in (2, 3)] + list(EXTRA_LEVELS)
    order = list(range(len(specs)))
    rng.shuffle(order)
    remaining = dict(CHANNEL_SLOTS)
    assert sum(remaining.values()) == len(specs)
    channel_of: dict[int, str] = {}
    for i, spec in enumerate(specs):
        if spec in FORCED_CHANNELS:
            channel_of[i] = FORCED_CHANNELS[spec]
            remaining[channel_of[i]] -= 1
    for i in order:
        if i in channel_of:
            continue
        cat = SKILL_CATEGORY[specs[i][0]]
        options = [(ch, CHANNEL_AFFINITY[cat][ch] * n) for ch, n in remaining.items() if n > 0]
        ch = _pick(rng, options)
        channel_of[i] = ch
        remaining[ch] -= 1

    courses: list[Course] = []
    titles: set[str] = set()
    moodle_counter: dict[tuple[str, int], int] = {}
    used_ids: set[str] = set()

    def unique_number(lo: int, hi: int) -> str:
        while True:
            v = str(rng.randrange(lo, hi))
            if v not in used_ids:
                used_ids.add(v)
                return v

    def moodle_shortname(cat: str, level: int) -> str:
        key = (MOODLE_CODES[cat], level)
        moodle_counter[key] = moodle_counter.get(key, 0) + 1
        return f"{key[0]}-{level}{moodle_counter[key]:02d}"

    def hours_for(level: int) -> float:
        lo, hi = {1: (1, 2), 2: (2, 8), 3: (5, 20), 4: (10, 40), 5: (20, 60)}[level]
        return round(rng.uniform(lo, hi) * 2) / 2

    for i, (skill, level) in enumerate(specs):
        ch = channel_of[i]
        cat = SKILL_CATEGORY[skill]
        title = TITLE_TEMPLATES[ch][level].format(s=skill)
        if title in titles:
            title += " (Second Edition)"
        titles.add(title)
        skills = [(skill, level)]
        r = rng.random()
        extra = 2 if r < 0.15 else 1 if r < 0.6 else 0
        pool = [s for s in skills_by_cat[cat] if s != skill]
        for s2 in rng.sample(pool, extra):
            skills.append((s2, max(1, level - 1 - (rng.random() < 0.3))))
        price: float | None = 0.0
        currency = "USD"
        graded = False
        training_type = ""
        activity = ""
        if ch == "linkedin":
            alias = f"urn:li:lyndaCourse:{unique_number(1_000_000, 9_999_999)}"
            price, currency = None, ""
        elif ch == "udemy":
            alias = unique_number(1_000_000, 6_000_000)
            price, currency = None, ""
        elif ch == "coursera":
            alias = f"https://www.coursera.org/learn/{_slug(title)}"
            price, currency = None, ""
            graded = rng.random() < 0.6
        elif ch == "cmi5":
            alias = f"{ACADEMY_HOME}/xapi/activities/{_slug(title)}"
            graded = True
        elif ch == "cornerstone":
            alias = _uuid(rng)
            training_type = _pick(
                rng, [("Online Class", 0.45), ("Event", 0.3), ("External Training", 0.15), ("Curriculum", 0.1)]
            )
            if training_type in ("Event", "External Training"):
                price = float(rng.randrange(350, 1450, 50))
                currency = "EUR" if rng.random() < 0.3 else "USD"
        elif ch == "scorm":
            alias = f"{_slug(title, '_')}_v{rng.randint(1, 4)}"
            graded = rng.random() < 0.8
            price = float(rng.randrange(1500, 6500, 250))
        else:  # moodle
            alias = moodle_shortname(cat, level)
            graded = rng.random() < 0.5
            activity = (
                rng.choice(("Final quiz", "Knowledge check"))
                if graded
                else rng.choice(("Reflection journal", "Course feedback", "Practical assignment"))
            )
        courses.append(
            Course(
                "",
                title,
                CHANNEL_PROVIDER[ch],
                ch,
                hours_for(level),
                price,
                currency,
                "course",
                None,
                skills,
                alias,
                graded,
                math.exp(rng.gauss(0, 0.7)),
                cat,
                training_type=training_type,
                activity=activity,
            )
        )

    # Specials: onboarding, three yearly compliance campaigns, skill assessments.
    courses.append(
        Course(
            "",
            "Welcome to Alderbrook",
            "Moodle",
            "moodle",
            3.0,
            0.0,
            "USD",
            "course",
            None,
            [("Communication", 1), ("Security Compliance", 1)],
            "onb-101",
            False,
            0.0,
            "Leadership",
            special="onboarding",
            activity="Orientation checklist",
        )
    )
    courses.append(
        Course(
            "",
            "SQL Skills Assessment",
            "Moodle",
            "moodle",
            1.5,
            0.0,
            "USD",
            "assessment",
            None,
            [("SQL", 3)],
            "dat-assess-1",
            True,
            1.2,
            "Data",
            activity="Assessment quiz",
        )
    )
    courses.append(
        Course(
            "",
            "Python Skills Assessment",
            "SCORM Cloud",
            "scorm",
            1.5,
            1200.0,
            "USD",
            "assessment",
            None,
            [("Python", 3)],
            "python_skills_assessment_v3",
            True,
            1.2,
            "Software",
        )
    )
    courses.append(
        Course(
            "",
            "Negotiation Skills Assessment",
            "Cornerstone",
            "cornerstone",
            1.0,
            0.0,
            "USD",
            "assessment",
            None,
            [("Negotiation", 3)],
            _uuid(rng),
            True,
            1.0,
            "Business",
            training_type="Test",
        )
    )
    for k in range(3):
        courses.append(
            Course(
                "",
                f"Information Security Awareness {today.year - 2 + k}",
                "Cornerstone",
                "cornerstone",
                1.0,
                0.0,
                "USD",
                "course",
                12,
                [("Security Compliance", 1)],
                _uuid(rng),
                False,
                0.0,
                "Security",
                special=f"compliance{k}",
                training_type="Online Class",
            )
        )

    for title, issuer, ctype, skills, validity, price, hours in CREDENTIALS:
        domain, _ = ISSUERS[issuer]
        path = "achievements" if ISSUERS[issuer][1] != "2" else "badgeclasses"
        alias = f"https://{domain}/{path}/{_slug(title)}"
        extra = [f"https://{domain}/badgeclasses/{_slug(title)}"] if ISSUERS[issuer][1] == "2to3" else []
        courses.append(
            Course(
                "",
                title,
                issuer,
                "badge",
                float(hours),
                price,
                "USD",
                ctype,
                validity,
                list(skills),
                alias,
                True,
                math.exp(rng.gauss(0, 0.5)) * 0.6,
                SKILL_CATEGORY[skills[0][0]],
                issuer=issuer,
                extra_aliases=extra,
            )
        )

    skill_order = {s: i for i, (s, _, _) in enumerate(SKILLS)}
    courses.sort(key=lambda c: (skill_order[c.skills[0][0]], c.skills[0][1], c.channel, c.title))
    for n, c in enumerate(courses, 1):
        c.course_id = f"CRS{n:04d}"
    assert len(courses) == 150, len(courses)
    all_aliases = [a.lower() for c in courses for a in [c.alias, *c.extra_aliases]]
    assert len(set(all_aliases)) == len(all_aliases)
    return courses
