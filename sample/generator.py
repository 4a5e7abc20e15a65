"""A seeded generator of a fictional company's learning data, written as the real exports.

The company ("Alderbrook Analytics", people and e-mails under ``example.com``) has
HR, catalog, goal and money files in ``company/`` and its learning history in the
shapes that LMSs and providers really export (Moodle CSVs, an LRS dump, Open Badges,
a SCORM Cloud export, LinkedIn Learning / Udemy Business / Cornerstone CSVs), with a
few planted imperfections.  It exists so that demos, tests and benchmarks run on
data that looks like a customer's without being one.

Everything is derived from ``random.Random`` streams seeded with ``"<seed>:<part>"``
and from a fixed ``today``: the same arguments give byte-identical files.  No wall
clock, no set iteration, no ``uuid4``.

Usage::

    python -m sample.generator OUT_DIR [--scale N] [--seed S]

Benchmark files (``write_provider_csv``, ``write_xapi_jsonl``) stream millions of
rows whose learners and courses exist in the roster and catalog that
``generate(out, scale=employees / 1500, seed=seed)`` writes.
"""

from __future__ import annotations

import argparse
import bisect
import csv
import hashlib
import io
import json
import math
import random
import shutil
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cache
from pathlib import Path

COMPANY = "Alderbrook Analytics"
DOMAIN = "example.com"
DEFAULT_TODAY = date(2026, 11, 28)
#: Roster size at scale 1 (leavers included).
BASE_EMPLOYEES = 1500
#: The Moodle site's (and its exporting admins') time zone; Moodle dates carry no offset.
MOODLE_TIME_ZONE = "Europe/Dublin"

# --------------------------------------------------------------------------------------
# Static company design
# --------------------------------------------------------------------------------------

#: (skill, category, description); 60 skills in 6 categories.
SKILLS: list[tuple[str, str, str]] = [
    ("Cloud Computing", "Cloud", "Core cloud concepts: regions, managed services, shared responsibility, pricing"),
    ("AWS", "Cloud", "Designing and running workloads on Amazon Web Services"),
    ("Azure", "Cloud", "Designing and running workloads on Microsoft Azure"),
    ("Google Cloud", "Cloud", "Designing and running workloads on Google Cloud"),
    ("Kubernetes", "Cloud", "Deploying, scaling and operating containerised workloads on Kubernetes"),
    ("Docker", "Cloud", "Building and running container images"),
    ("Terraform", "Cloud", "Infrastructure as code with Terraform"),
    ("Serverless", "Cloud", "Event-driven functions and managed serverless services"),
    ("Linux Administration", "Cloud", "Operating Linux servers: users, services, networking, troubleshooting"),
    ("FinOps", "Cloud", "Understanding, allocating and reducing cloud cost"),
    ("SQL", "Data", "Querying and shaping relational data with SQL"),
    ("Data Modeling", "Data", "Designing dimensional and relational data models"),
    ("Data Visualization", "Data", "Presenting data clearly in charts and dashboards"),
    ("Statistics", "Data", "Descriptive and inferential statistics, experiment design"),
    ("Machine Learning", "Data", "Training, evaluating and deploying predictive models"),
    ("Data Pipelines", "Data", "Building reliable batch and streaming data pipelines"),
    ("Apache Spark", "Data", "Distributed data processing with Apache Spark"),
    ("Data Governance", "Data", "Data quality, lineage, ownership and privacy"),
    ("Python for Data Analysis", "Data", "Analysing data with Python notebooks and data frames"),
    ("Business Intelligence", "Data", "Self-service reporting and semantic layers"),
    ("Python", "Software", "Writing maintainable Python applications"),
    ("Java", "Software", "Writing maintainable Java services"),
    ("JavaScript", "Software", "Writing JavaScript for browsers and Node.js"),
    ("TypeScript", "Software", "Typed JavaScript for large front-end and back-end code bases"),
    ("Go", "Software", "Writing Go services and tools"),
    ("Automated Testing", "Software", "Unit, integration and end-to-end testing"),
    ("CI/CD", "Software", "Continuous integration and delivery pipelines"),
    ("API Design", "Software", "Designing HTTP APIs that last"),
    ("System Design", "Software", "Designing scalable, reliable distributed systems"),
    ("Git", "Software", "Version control workflows with Git"),
    ("Secure Coding", "Security", "Writing code that resists common attacks (OWASP Top 10)"),
    ("Threat Modeling", "Security", "Finding and ranking threats to a system before building it"),
    ("Identity and Access Management", "Security", "Authentication, authorisation, SSO and least privilege"),
    ("Network Security", "Security", "Firewalls, segmentation, TLS and network monitoring"),
    ("Incident Response", "Security", "Detecting, containing and learning from security incidents"),
    ("Security Operations", "Security", "Running a SOC: alert triage, SIEM, playbooks"),
    ("Cloud Security", "Security", "Securing cloud accounts, workloads and data"),
    ("Vulnerability Management", "Security", "Scanning, prioritising and fixing vulnerabilities"),
    ("Cryptography", "Security", "Applied cryptography: keys, hashing, signatures"),
    ("Security Compliance", "Security", "ISO 27001, SOC 2 and security policy"),
    ("People Management", "Leadership", "Leading a team: one-to-ones, goals, performance"),
    ("Coaching", "Leadership", "Helping others grow through questions and feedback"),
    ("Giving Feedback", "Leadership", "Giving timely, specific and kind feedback"),
    ("Strategic Thinking", "Leadership", "Setting direction and making trade-offs for the long term"),
    ("Decision Making", "Leadership", "Making sound decisions under uncertainty"),
    ("Change Management", "Leadership", "Leading people through organisational change"),
    ("Hiring and Interviewing", "Leadership", "Structured interviews and fair hiring decisions"),
    ("Delegation", "Leadership", "Handing over work and authority effectively"),
    ("Conflict Resolution", "Leadership", "Resolving disagreements constructively"),
    ("Communication", "Leadership", "Clear written and spoken communication"),
    ("Negotiation", "Business", "Preparing for and conducting negotiations"),
    ("Consultative Selling", "Business", "Selling by understanding and solving customer problems"),
    ("Account Planning", "Business", "Growing and retaining key accounts"),
    ("CRM Administration", "Business", "Keeping pipeline and customer data in the CRM accurate"),
    ("Financial Analysis", "Business", "Reading financial statements and building models"),
    ("Budgeting and Forecasting", "Business", "Planning budgets and forecasting spend and revenue"),
    ("Product Discovery", "Business", "Finding out what to build through research and experiments"),
    ("Roadmapping", "Business", "Turning strategy into an outcome-based roadmap"),
    ("Agile Delivery", "Business", "Delivering iteratively with Scrum and Kanban"),
    ("Employment Law", "Business", "Employment law essentials for people teams"),
]
CATEGORIES = ("Cloud", "Data", "Software", "Security", "Leadership", "Business")
SKILL_CATEGORY = {s: c for s, c, _ in SKILLS}

#: role -> [(skill, required level, weight)]; every role needs 4-8 skills at levels 2-4.
ROLE_REQUIREMENTS: dict[str, list[tuple[str, int, int]]] = {
    "Software Engineer": [
        ("Python", 3, 3),
        ("Automated Testing", 2, 2),
        ("Git", 2, 1),
        ("CI/CD", 2, 2),
        ("Cloud Computing", 2, 2),
        ("Secure Coding", 2, 3),
        ("API Design", 2, 1),
    ],
    "Senior Software Engineer": [
        ("Python", 4, 3),
        ("System Design", 3, 3),
        ("Automated Testing", 3, 2),
        ("Secure Coding", 3, 3),
        ("Cloud Computing", 3, 2),
        ("Kubernetes", 2, 1),
        ("Coaching", 2, 1),
    ],
    "Frontend Engineer": [
        ("JavaScript", 3, 3),
        ("TypeScript", 3, 2),
        ("Automated Testing", 2, 2),
        ("Git", 2, 1),
        ("Secure Coding", 2, 2),
    ],
    "Cloud Engineer": [
        ("AWS", 3, 3),
        ("Kubernetes", 3, 3),
        ("Terraform", 3, 2),
        ("Linux Administration", 3, 2),
        ("Cloud Security", 2, 2),
        ("Cloud Computing", 3, 2),
    ],
    "Site Reliability Engineer": [
        ("Kubernetes", 3, 3),
        ("Linux Administration", 3, 2),
        ("Incident Response", 2, 2),
        ("Go", 2, 1),
        ("CI/CD", 3, 2),
        ("Cloud Computing", 3, 2),
    ],
    "Data Analyst": [
        ("SQL", 3, 3),
        ("Data Visualization", 3, 3),
        ("Statistics", 2, 2),
        ("Business Intelligence", 2, 2),
        ("Communication", 2, 1),
    ],
    "Data Engineer": [
        ("SQL", 4, 3),
        ("Data Pipelines", 3, 3),
        ("Apache Spark", 3, 2),
        ("Python", 3, 2),
        ("Data Modeling", 3, 2),
        ("Cloud Computing", 2, 1),
        ("Data Governance", 2, 1),
    ],
    "Data Scientist": [
        ("Machine Learning", 3, 3),
        ("Statistics", 4, 3),
        ("Python for Data Analysis", 3, 2),
        ("SQL", 3, 2),
        ("Data Visualization", 2, 1),
        ("Communication", 2, 1),
    ],
    "Security Analyst": [
        ("Security Operations", 3, 3),
        ("Incident Response", 3, 3),
        ("Network Security", 2, 2),
        ("Vulnerability Management", 3, 2),
        ("Security Compliance", 2, 1),
    ],
    "Security Engineer": [
        ("Cloud Security", 3, 3),
        ("Threat Modeling", 3, 2),
        ("Identity and Access Management", 3, 3),
        ("Secure Coding", 3, 2),
        ("Cryptography", 2, 1),
        ("Python", 2, 1),
    ],
    "Product Manager": [
        ("Product Discovery", 3, 3),
        ("Roadmapping", 3, 3),
        ("Agile Delivery", 3, 2),
        ("Communication", 3, 2),
        ("Data Visualization", 2, 1),
        ("Strategic Thinking", 2, 1),
    ],
    "UX Designer": [
        ("Product Discovery", 3, 3),
        ("Communication", 3, 2),
        ("Agile Delivery", 2, 1),
        ("Data Visualization", 2, 1),
    ],
    "Sales Representative": [
        ("Consultative Selling", 3, 3),
        ("Negotiation", 3, 2),
        ("CRM Administration", 2, 2),
        ("Communication", 3, 2),
    ],
    "Account Manager": [
        ("Account Planning", 3, 3),
        ("Negotiation", 3, 2),
        ("Consultative Selling", 3, 2),
        ("CRM Administration", 2, 1),
        ("Financial Analysis", 2, 1),
    ],
    "Sales Engineer": [
        ("Consultative Selling", 3, 3),
        ("Cloud Computing", 3, 2),
        ("API Design", 2, 1),
        ("Communication", 3, 2),
    ],
    "HR Partner": [
        ("Employment Law", 3, 3),
        ("Coaching", 3, 2),
        ("Conflict Resolution", 3, 2),
        ("Hiring and Interviewing", 3, 2),
        ("Change Management", 2, 1),
    ],
    "Recruiter": [
        ("Hiring and Interviewing", 4, 3),
        ("Communication", 3, 2),
        ("Negotiation", 2, 1),
        ("Employment Law", 2, 2),
    ],
    "Finance Analyst": [
        ("Financial Analysis", 3, 3),
        ("Budgeting and Forecasting", 3, 3),
        ("SQL", 2, 1),
        ("Business Intelligence", 2, 2),
        ("FinOps", 2, 1),
    ],
    "Team Lead": [
        ("People Management", 3, 3),
        ("Giving Feedback", 3, 2),
        ("Coaching", 3, 2),
        ("Delegation", 2, 1),
        ("Hiring and Interviewing", 2, 1),
        ("Conflict Resolution", 2, 1),
    ],
    "Department Head": [
        ("Strategic Thinking", 4, 3),
        ("Change Management", 3, 2),
        ("Decision Making", 4, 3),
        ("People Management", 4, 2),
        ("Budgeting and Forecasting", 3, 1),
    ],
    "Chief Executive Officer": [
        ("Strategic Thinking", 4, 3),
        ("Decision Making", 4, 3),
        ("Change Management", 3, 2),
        ("Communication", 4, 2),
    ],
}

#: team kind -> role mix of its members (the lead is added apart).
KIND_ROLES: dict[str, list[tuple[str, float]]] = {
    "backend": [("Software Engineer", 0.55), ("Senior Software Engineer", 0.35), ("Cloud Engineer", 0.10)],
    "web": [("Frontend Engineer", 0.45), ("Software Engineer", 0.30), ("Senior Software Engineer", 0.25)],
    "infra": [("Cloud Engineer", 0.50), ("Site Reliability Engineer", 0.25), ("Senior Software Engineer", 0.25)],
    "sre": [("Site Reliability Engineer", 0.60), ("Cloud Engineer", 0.25), ("Senior Software Engineer", 0.15)],
    "dataeng": [("Data Engineer", 0.70), ("Data Analyst", 0.15), ("Data Scientist", 0.15)],
    "analytics": [("Data Analyst", 0.70), ("Data Engineer", 0.15), ("Data Scientist", 0.15)],
    "ml": [("Data Scientist", 0.60), ("Data Engineer", 0.30), ("Data Analyst", 0.10)],
    "secops": [("Security Analyst", 0.70), ("Security Engineer", 0.30)],
    "appsec": [("Security Engineer", 0.70), ("Security Analyst", 0.30)],
    "product": [("Product Manager", 0.60), ("UX Designer", 0.25), ("Data Analyst", 0.15)],
    "design": [("UX Designer", 0.80), ("Frontend Engineer", 0.20)],
    "sales": [("Sales Representative", 0.80), ("Account Manager", 0.20)],
    "accounts": [("Account Manager", 0.80), ("Sales Representative", 0.20)],
    "saleseng": [("Sales Engineer", 0.85), ("Account Manager", 0.15)],
    "hr": [("HR Partner", 0.85), ("Recruiter", 0.15)],
    "recruit": [("Recruiter", 0.85), ("HR Partner", 0.15)],
    "finance": [("Finance Analyst", 1.0)],
}

#: (department, code, [(team, location, kind)]) - 40 teams at scale 1.
DEPARTMENTS: list[tuple[str, str, list[tuple[str, str, str]]]] = [
    (
        "Engineering",
        "ENG",
        [
            ("Platform", "Boston", "backend"),
            ("Payments", "Boston", "backend"),
            ("Checkout", "Austin", "web"),
            ("Mobile Apps", "Austin", "web"),
            ("Web Frontend", "Berlin", "web"),
            ("Search", "Berlin", "backend"),
            ("Integrations", "Dublin", "backend"),
            ("Developer Experience", "Dublin", "infra"),
            ("Core Services", "Boston", "backend"),
            ("Cloud Infrastructure", "Austin", "infra"),
            ("Site Reliability", "Dublin", "sre"),
            ("Identity", "London", "backend"),
        ],
    ),
    (
        "Data",
        "DAT",
        [
            ("Analytics Engineering", "Boston", "dataeng"),
            ("Business Intelligence", "Austin", "analytics"),
            ("Data Platform", "Dublin", "dataeng"),
            ("Machine Learning", "Berlin", "ml"),
            ("Forecasting", "Boston", "ml"),
            ("Customer Insights", "London", "analytics"),
            ("Experimentation", "Austin", "analytics"),
        ],
    ),
    (
        "Security",
        "SEC",
        [
            ("Security Operations", "Dublin", "secops"),
            ("Application Security", "Boston", "appsec"),
            ("Cloud Security", "Austin", "appsec"),
            ("Governance and Risk", "London", "secops"),
        ],
    ),
    (
        "Product",
        "PRD",
        [
            ("Core Product", "Boston", "product"),
            ("Growth", "Austin", "product"),
            ("Design Systems", "Berlin", "design"),
            ("Platform Product", "Dublin", "product"),
            ("Mobile Product", "Austin", "product"),
        ],
    ),
    (
        "Sales",
        "SAL",
        [
            ("Enterprise Sales NA", "Boston", "sales"),
            ("Enterprise Sales EMEA", "London", "sales"),
            ("Mid-Market", "Austin", "sales"),
            ("SMB Sales", "Austin", "sales"),
            ("Account Management NA", "Boston", "accounts"),
            ("Account Management EMEA", "Dublin", "accounts"),
            ("Sales Engineering", "Boston", "saleseng"),
            ("Partnerships", "Berlin", "accounts"),
        ],
    ),
    (
        "People and Finance",
        "PNF",
        [
            ("People Partners", "Boston", "hr"),
            ("Talent Acquisition", "Dublin", "recruit"),
            ("Financial Planning", "Boston", "finance"),
            ("Accounting Operations", "Berlin", "finance"),
        ],
    ),
]
#: The CEO and the department heads sit in their own small unit.
EXEC_DEPARTMENT = "Executive"
EXEC_TEAM = "Executive Office"

#: location -> currency its teams spend in.
LOCATIONS = {"Boston": "USD", "Austin": "USD", "Dublin": "EUR", "Berlin": "EUR", "London": "GBP"}

FIRST_NAMES = (
    "Ana",
    "Bo",
    "Chloe",
    "Daniel",
    "Elif",
    "Farah",
    "Gabriel",
    "Hannah",
    "Ikechukwu",
    "Jana",
    "Kenji",
    "Laura",
    "Mateo",
    "Nadia",
    "Oliver",
    "Priya",
    "Quentin",
    "Rosa",
    "Samuel",
    "Tanvi",
    "Umar",
    "Valentina",
    "William",
    "Ximena",
    "Yusuf",
    "Zoë",
    "Aisha",
    "Benjamin",
    "Carmen",
    "Dmitri",
    "Emma",
    "Felix",
    "Grace",
    "Hiroshi",
    "Isabel",
    "Jonas",
    "Kavya",
    "Liam",
    "Maya",
    "Noah",
    "Olga",
    "Pedro",
    "Rania",
    "Sofia",
    "Tomás",
    "Uma",
    "Victor",
    "Wen",
    "Yara",
    "Zain",
    "Amelia",
    "Björn",
    "Camille",
    "Diego",
    "Eva",
    "Fatima",
    "George",
    "Hugo",
    "Ines",
    "Jack",
    "Kofi",
    "Leila",
    "Marco",
    "Nina",
    "Oscar",
    "Paula",
    "Ravi",
    "Sara",
    "Thomas",
    "Ulrike",
    "Vera",
    "Xavier",
    "Yasmin",
    "Zara",
    "Alice",
    "Bruno",
    "Clara",
    "David",
    "Elena",
    "Finn",
    "Giulia",
    "Henrik",
    "Irene",
    "José",
    "Katarzyna",
    "Lucas",
    "Mei",
    "Nikolai",
    "Orla",
    "Pablo",
    "Ruth",
    "Siobhán",
    "Tariq",
    "Ursula",
    "Vikram",
    "Wanjiru",
    "Ada",
    "Caleb",
    "Dalia",
    "Ethan",
)
LAST_NAMES = (
    "Pérez",
    "Li",
    "Nguyen",
    "Okafor",
    "Schmidt",
    "Müller",
    "O'Connor",
    "Kowalski",
    "Haddad",
    "Tanaka",
    "Silva",
    "Johansson",
    "Rossi",
    "Dubois",
    "Murphy",
    "Kim",
    "Patel",
    "Garcia",
    "Novak",
    "Andersen",
    "Ivanova",
    "Costa",
    "Mensah",
    "Yilmaz",
    "Fischer",
    "Brennan",
    "Walsh",
    "Chen",
    "Sato",
    "Moreau",
    "Jansen",
    "Byrne",
    "Lopez",
    "Kaur",
    "Ahmed",
    "Hughes",
    "Bianchi",
    "Lindqvist",
    "Horvat",
    "Santos",
    "Wagner",
    "Popescu",
    "Suzuki",
    "Reyes",
    "Nowak",
    "Fernandes",
    "Kelly",
    "Larsen",
    "Romano",
    "Weber",
    "Gallagher",
    "Das",
    "Mwangi",
    "Kovac",
    "Petrov",
    "Sousa",
    "Becker",
    "Doyle",
    "Hansen",
    "Morales",
    "Ito",
    "Chaudhry",
    "Nilsson",
    "Ricci",
    "Martin",
    "Lambert",
    "Van Dijk",
    "Smith-Jones",
    "Quinn",
    "Farouk",
    "Adeyemi",
    "Zhang",
    "Wong",
    "Herrera",
    "Vogel",
    "Lynch",
    "Berg",
    "Conti",
    "Rahman",
    "Ortiz",
    "Keller",
    "Nakamura",
    "Duarte",
    "Svensson",
    "Greco",
    "Sharma",
    "Baker",
    "Hoffmann",
    "Ferrari",
    "Flynn",
    "Castillo",
    "Eriksen",
    "Wójcik",
    "Marchetti",
    "Iyer",
    "Banda",
    "Richter",
    "Molina",
    "Takahashi",
    "Carvalho",
    "Jovanovic",
    "Kruger",
    "Obi",
    "Dalton",
    "Sorensen",
    "Mendes",
    "Abbasi",
    "Lindberg",
    "Vidal",
    "Boateng",
    "Aydin",
    "Hartmann",
    "Cruz",
    "Friedman",
    "Nolan",
    "Haas",
    "Rocha",
    "Nair",
)

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
UDEMY_CATEGORIES = {
    "Cloud": "IT & Software",
    "Data": "Development",
    "Software": "Development",
    "Security": "IT & Software",
    "Leadership": "Business",
    "Business": "Business",
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

#: Strategic goals: (skill, min level, scope, roles, deadline month/day offset, intended status,
#: push probability, growth).  The target share is set from the simulated history so that the
#: intended status holds under a linear projection of the last twelve months.
GOAL_SPECS = [
    ("Cloud Computing", 3, "Engineering", [], (6, 30), "on track", 0.45, 4.0),
    (
        "Secure Coding",
        3,
        "Engineering",
        ["Software Engineer", "Senior Software Engineer"],
        (6, 30),
        "on track",
        0.50,
        4.0,
    ),
    ("Machine Learning", 3, "Data", ["Data Scientist", "Data Engineer"], (12, 31), "off track", 0.04, 0.0),
    ("Kubernetes", 4, "company", ["Cloud Engineer", "Site Reliability Engineer"], (6, 30), "off track", 0.03, 0.0),
    ("People Management", 3, "company", ["Team Lead"], (12, 31), "on track", 0.50, 4.0),
    ("Consultative Selling", 3, "Sales", [], (3, 31), "off track", 0.0, 0.0),
    ("Incident Response", 3, "Security", [], (9, 30), "achieved", 0.75, -0.6),
]
#: Skills of off-track goals: few people take their courses (that is why they are off track).
DAMPED_SKILLS = {"Machine Learning": 0.3, "Kubernetes": 0.35, "Consultative Selling": 0.3}

#: E-mails / ids that are not in the roster (planted unknown learners).
UNKNOWN_EMAILS = ("r.achterberg@example.com", "temp.contractor07@example.com", "j.whitfield@partner.example")
UNKNOWN_EXTERNAL_ID = "CTR-0117"
UNKNOWN_XAPI_COURSE = "https://www.coursera.org/learn/quantum-computing-primer"
UNKNOWN_SCORM_COURSE = "scorm_legacy_onboarding_v1"

_EPOCH_ORD = date(1970, 1, 1).toordinal()
_DAY = 86400
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

VERB_IRI = {
    "completed": "http://adlnet.gov/expapi/verbs/completed",
    "passed": "http://adlnet.gov/expapi/verbs/passed",
    "failed": "http://adlnet.gov/expapi/verbs/failed",
    "attempted": "http://adlnet.gov/expapi/verbs/attempted",
    "progressed": "http://adlnet.gov/expapi/verbs/progressed",
    "voided": "http://adlnet.gov/expapi/verbs/voided",
    "satisfied": "https://w3id.org/xapi/adl/verbs/satisfied",
}
CMI5_PROGRESS = "https://w3id.org/xapi/cmi5/result/extensions/progress"
CMI5_CATEGORY = "https://w3id.org/xapi/cmi5/context/categories/cmi5"
ACADEMY_HOME = "https://academy.example.com"
LRS_HOME = "https://lrs.example.com"

# --------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------


def _rng(seed: int, part: str) -> random.Random:
    """An independent stream per part, so adding output to one part never shifts another."""
    return random.Random(f"{seed}:{part}")


def _secs(d: date) -> int:
    """Midnight UTC of a date as POSIX seconds: events are plain ints for speed."""
    return (d.toordinal() - _EPOCH_ORD) * _DAY


def _day(ts: int) -> date:
    return date.fromordinal(ts // _DAY + _EPOCH_ORD)


def _dt(ts: int) -> datetime:
    """Naive UTC datetime of POSIX seconds."""
    return datetime(1970, 1, 1) + timedelta(seconds=ts)


def _add_months(d: date, months: int) -> date:
    """Calendar month arithmetic (day clamped), as certificate validity is counted."""
    y, m = divmod(d.month - 1 + months, 12)
    y += d.year
    m += 1
    for day in (d.day, 30, 29, 28):
        try:
            return date(y, m, day)
        except ValueError:
            continue
    raise AssertionError(d)


def _history_start(today: date) -> date:
    """First day of the month after today minus three years (2023-12-01 for 2026-11-28)."""
    back = _add_months(today, -36)
    return _add_months(back.replace(day=1), 1)


@cache
def _nth_sunday(year: int, month: int, n: int) -> date:
    first = date(year, month, 1)
    return first + timedelta(days=(6 - first.weekday()) % 7 + 7 * (n - 1))


@cache
def _last_sunday(year: int, month: int) -> date:
    last = _add_months(date(year, month, 1), 1) - timedelta(days=1)
    return last - timedelta(days=(last.weekday() - 6) % 7)


@cache
def _us_dst(year: int) -> tuple[int, int]:
    """US daylight time in UTC seconds: 2nd Sunday of March 10:00 UTC .. 1st Sunday of November 09:00 UTC."""
    return _secs(_nth_sunday(year, 3, 2)) + 10 * 3600, _secs(_nth_sunday(year, 11, 1)) + 9 * 3600


@cache
def _eu_dst(year: int) -> tuple[int, int]:
    """EU summer time: last Sunday of March 01:00 UTC .. last Sunday of October 01:00 UTC."""
    return _secs(_last_sunday(year, 3)) + 3600, _secs(_last_sunday(year, 10)) + 3600


def _pacific(ts: int) -> datetime:
    """America/Los_Angeles wall time (the zone LinkedIn Learning reports use)."""
    start, end = _us_dst(_day(ts).year)
    return _dt(ts + (-7 if start <= ts < end else -8) * 3600)


def _dublin(ts: int) -> datetime:
    """Europe/Dublin wall time (the Moodle site's zone)."""
    start, end = _eu_dst(_day(ts).year)
    return _dt(ts + (3600 if start <= ts < end else 0))


def _iso_ms(ts: float) -> str:
    """xAPI/SCORM Cloud style UTC timestamp with milliseconds."""
    whole = int(ts)
    ms = round((ts - whole) * 1000) % 1000
    return _dt(whole).strftime("%Y-%m-%dT%H:%M:%S") + f".{ms:03d}Z"


def _iso_z(ts: int) -> str:
    return _dt(ts).strftime("%Y-%m-%dT%H:%M:%SZ")


def _uuid(rng: random.Random) -> str:
    """A version-4-shaped UUID from the seeded stream (uuid4 would read os.urandom)."""
    h = f"{rng.getrandbits(128):032x}"
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{'89ab'[int(h[16], 16) & 3]}{h[17:20]}-{h[20:32]}"


def _slug(text: str, sep: str = "-") -> str:
    """Lower-case ASCII words joined by sep (for IRIs, shortnames and file names)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    out, prev = [], sep
    for ch in ascii_text:
        if ch.isalnum():
            out.append(ch)
            prev = ch
        elif prev != sep:
            out.append(sep)
            prev = sep
    return "".join(out).strip(sep)


def _email_part(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return "".join(ch for ch in ascii_name if ch.isalnum() or ch == "-")


def _duration(seconds: float) -> str:
    """ISO 8601 duration as LRSs store it (PT1H5M3S)."""
    s = int(seconds)
    h, rem = divmod(s, 3600)
    m, sec = divmod(rem, 60)
    return "PT" + (f"{h}H" if h else "") + (f"{m}M" if m else "") + f"{sec}S"


def _hms(seconds: float) -> str:
    """LinkedIn's Hours Viewed: H:MM:SS."""
    s = int(seconds)
    h, rem = divmod(s, 3600)
    m, sec = divmod(rem, 60)
    return f"{h}:{m:02d}:{sec:02d}"


def _csv_field(value: str) -> str:
    """One CSV cell, quoted only when needed (for the hand-rolled fast writers)."""
    if any(ch in value for ch in ',"\n\r'):
        return '"' + value.replace('"', '""') + '"'
    return value


def _write_csv(path: Path, header: list[str], rows: list[list], *, bom: bool = False, newline: str = "\n") -> int:
    """Write a CSV with minimal quoting; returns the number of data rows."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator=newline)
    w.writerow(header)
    w.writerows(rows)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as f:
        if bom:
            f.write("\ufeff")
        f.write(buf.getvalue())
    return len(rows)


def _money(x: float) -> str:
    return f"{x:.2f}"


def _pick(rng: random.Random, weighted: list[tuple[object, float]]):
    total = sum(w for _, w in weighted)
    r = rng.random() * total
    for item, w in weighted:
        r -= w
        if r < 0:
            return item
    return weighted[-1][0]


# --------------------------------------------------------------------------------------
# The model
# --------------------------------------------------------------------------------------


@dataclass
class Course:
    course_id: str
    title: str
    provider: str
    channel: str  # moodle | linkedin | udemy | coursera | cmi5 | cornerstone | scorm | badge
    hours: float
    price: float | None  # None: included in a licence
    currency: str
    credential_type: str  # course | certificate | badge | assessment
    validity_months: int | None
    skills: list[tuple[str, int]]
    alias: str  # the id the channel's export names the course by
    graded: bool
    popularity: float
    category: str
    special: str = ""  # onboarding | compliance | ""
    training_type: str = ""  # Cornerstone
    issuer: str = ""
    activity: str = ""  # Moodle activity name
    #: further ids naming the same course (an issuer's Open Badges 2.0 BadgeClass URL)
    extra_aliases: list[str] = field(default_factory=list)


@dataclass
class Team:
    name: str
    department: str
    location: str
    kind: str
    cost_center: str
    propensity: float  # how seriously the team closes its gaps (0..1)
    lead: int = -1


@dataclass
class Employee:
    idx: int
    employee_id: str
    first: str
    last: str
    email: str
    role: str
    team: int  # index into teams; -1 = Executive Office
    manager: int  # index of the manager; -1 = none
    location: str
    hire: date
    leave: date | None
    platform: str  # the licensed platform this person uses, or ""
    moodle_id: int = 0

    @property
    def full_name(self) -> str:
        return f"{self.first} {self.last}"


@dataclass
class Company:
    seed: int
    scale: float
    today: date
    start: date
    teams: list[Team]
    employees: list[Employee]
    catalog: list[Course]
    #: [employee, course, start_ts, end_ts, status, score]
    events: list[list] = field(default_factory=list)
    assessments: list[tuple[int, str, int, date, str]] = field(default_factory=list)
    goals: list[dict] = field(default_factory=list)
    planted: list[str] = field(default_factory=list)
    #: currency -> month (first day) -> USD per unit
    fx: dict[str, dict[date, float]] = field(default_factory=dict)
    licences: list[dict] = field(default_factory=list)
    spend: list[list[str]] = field(default_factory=list)
    budgets: list[list[str]] = field(default_factory=list)
    leaver_after: int = -1

    def team_name(self, e: Employee) -> str:
        return EXEC_TEAM if e.team < 0 else self.teams[e.team].name

    def department(self, e: Employee) -> str:
        return EXEC_DEPARTMENT if e.team < 0 else self.teams[e.team].department

    def currency(self, e: Employee) -> str:
        return LOCATIONS[e.location] if e.team < 0 else LOCATIONS[self.teams[e.team].location]


# --------------------------------------------------------------------------------------
# Catalog
# --------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------
# Organisation
# --------------------------------------------------------------------------------------


def build_org(seed: int, scale: float, today: date) -> tuple[list[Team], list[Employee]]:
    """Teams and the roster: a CEO, department heads, team leads and members; ids in hire order."""
    rng = _rng(seed, "org")
    start = _history_start(today)
    teams: list[Team] = []
    for dept, code, templates in DEPARTMENTS:
        n = max(1, round(len(templates) * scale))
        for k in range(n):
            name, loc, kind = templates[k % len(templates)]
            cycle = k // len(templates)
            teams.append(
                Team(name if cycle == 0 else f"{name} {cycle + 1}", dept, loc, kind, f"CC-{code}-{k + 1:03d}", 0.0)
            )
    spread = [0.05 + 0.82 * i / max(1, len(teams) - 1) for i in range(len(teams))]
    rng.shuffle(spread)
    for t, p in zip(teams, spread, strict=False):
        t.propensity = p

    total = max(len(teams) * 4 + 7, round(BASE_EMPLOYEES * scale))
    n_members = total - 7 - len(teams)
    weights = [rng.uniform(0.55, 1.45) for _ in teams]
    wsum = sum(weights)
    sizes = [max(2, int(w / wsum * n_members)) for w in weights]
    i = 0
    while sum(sizes) < n_members:
        sizes[i % len(sizes)] += 1
        i += 1

    people: list[dict] = []

    def hire_between(lo: date, hi: date) -> date:
        d = lo + timedelta(days=rng.randrange(max(1, (hi - lo).days)))
        return d + timedelta(days=(7 - d.weekday()) % 7)  # start on a Monday

    def person(role: str, team: int, manager: int, hire: date, location: str) -> int:
        people.append(
            {
                "role": role,
                "team": team,
                "manager": manager,
                "hire": hire,
                "leave": None,
                "location": location,
                "first": rng.choice(FIRST_NAMES),
                "last": rng.choice(LAST_NAMES),
            }
        )
        return len(people) - 1

    ceo = person("Chief Executive Officer", -1, -1, hire_between(date(2015, 1, 5), date(2015, 6, 1)), "Boston")
    heads = {}
    for dept, _, templates in DEPARTMENTS:
        heads[dept] = person(
            "Department Head", -1, ceo, hire_between(date(2015, 1, 5), date(2018, 12, 31)), templates[0][1]
        )
    early = start - timedelta(days=1)
    for ti, t in enumerate(teams):
        t.lead = person(
            "Team Lead", ti, heads[t.department], hire_between(date(2015, 1, 5), date(2021, 12, 31)), t.location
        )
        mix = KIND_ROLES[t.kind]
        for _ in range(sizes[ti]):
            joiner = rng.random() < 0.26
            hire = hire_between(start, today - timedelta(days=10)) if joiner else hire_between(date(2015, 1, 5), early)
            loc = t.location if rng.random() < 0.9 else rng.choice(sorted(LOCATIONS))
            person(_pick(rng, mix), ti, t.lead, min(hire, today - timedelta(days=3)), loc)

    # Leavers: about 8% of the roster left during the three years of history.
    leaders = {ceo, *heads.values(), *(t.lead for t in teams)}
    candidates = [i for i, p in enumerate(people) if i not in leaders and p["hire"] <= today - timedelta(days=120)]
    for i in rng.sample(candidates, min(len(candidates), round(len(people) * 0.08))):
        p = people[i]
        lo = max(p["hire"] + timedelta(days=90), start)
        hi = today - timedelta(days=5)
        d = lo + timedelta(days=rng.randrange(max(1, (hi - lo).days)))
        p["leave"] = d - timedelta(days=max(0, d.weekday() - 4))  # last day on a weekday

    # Platforms: who uses which licensed library (drives seats and provider exports).
    platform_mix = {
        "eng": [("linkedin", 0.30), ("udemy", 0.26), ("coursera", 0.07), ("", 0.37)],
        "data": [("linkedin", 0.30), ("udemy", 0.10), ("coursera", 0.30), ("", 0.30)],
        "sec": [("linkedin", 0.35), ("udemy", 0.20), ("coursera", 0.10), ("", 0.35)],
        "prod": [("linkedin", 0.45), ("udemy", 0.05), ("coursera", 0.15), ("", 0.35)],
        "biz": [("linkedin", 0.45), ("coursera", 0.05), ("", 0.50)],
        "lead": [("linkedin", 0.60), ("coursera", 0.10), ("", 0.30)],
    }
    dept_group = {
        "Engineering": "eng",
        "Data": "data",
        "Security": "sec",
        "Product": "prod",
        "Sales": "biz",
        "People and Finance": "biz",
    }

    order = sorted(range(len(people)), key=lambda i: (people[i]["hire"], rng.random()))
    new_index = {old: new for new, old in enumerate(order)}
    employees: list[Employee] = []
    emails: dict[str, int] = {}
    moodle_id = 100 + rng.randrange(20)
    for new, old in enumerate(order):
        p = people[old]
        base = f"{_email_part(p['first'])}.{_email_part(p['last'])}"
        n = emails.get(base, 0) + 1
        emails[base] = n
        email = f"{base}{n if n > 1 else ''}@{DOMAIN}"
        if p["role"] in ("Team Lead", "Department Head", "Chief Executive Officer"):
            group = "lead"
        else:
            group = dept_group[teams[p["team"]].department]
        moodle_id += rng.randint(1, 3)
        employees.append(
            Employee(
                new,
                f"E{new + 1:05d}",
                p["first"],
                p["last"],
                email,
                p["role"],
                p["team"],
                new_index[p["manager"]] if p["manager"] >= 0 else -1,
                p["location"],
                p["hire"],
                p["leave"],
                _pick(rng, platform_mix[group]),
                moodle_id,
            )
        )
    for t in teams:
        t.lead = new_index[t.lead]
    return teams, employees


def _cost_center(company: Company, e: Employee) -> str:
    return "CC-EXE-001" if e.team < 0 else company.teams[e.team].cost_center


# --------------------------------------------------------------------------------------
# Learning history
# --------------------------------------------------------------------------------------


def _poisson(rng: random.Random, lam: float) -> int:
    limit, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p < limit:
            return k
        k += 1


def _in_scope(company: Company, e: Employee, scope: str, roles: list[str]) -> bool:
    """Is the employee in a goal's population (org unit and optional roles)?"""
    if roles and e.role not in roles:
        return False
    if scope == "company":
        return True
    return company.department(e) == scope or company.team_name(e) == scope


class _Simulator:
    """Month-by-month learning of every employee, driven by role requirements, team
    culture (propensity), strategic-goal pushes and personal interest."""

    def __init__(self, company: Company):
        self.c = company
        self.rng = _rng(company.seed, "learning")
        self.h0 = _secs(company.start)
        self.span = _secs(company.today) - self.h0
        self.seen: dict[tuple[int, int], int] = {}
        cat = company.catalog
        self.by_skill: dict[tuple[str, int], list[tuple[int, float]]] = {}
        self.exact: dict[tuple[str, int], list[int]] = {}
        for ci, c in enumerate(cat):
            if c.special:
                continue
            factor = (
                0.08
                if c.credential_type in ("certificate", "badge")
                else 0.8
                if c.credential_type == "assessment"
                else 1.0
            )
            for s, lvl in c.skills:
                self.exact.setdefault((s, lvl), []).append(ci)
                for L in range(1, lvl + 1):
                    w = (3 if lvl == L else 1 if lvl == L + 1 else 0.3) * math.sqrt(c.popularity) * factor
                    self.by_skill.setdefault((s, L), []).append((ci, w))
        self.extras_cache: dict[tuple[str, str], tuple[list[int], list[float]]] = {}

    # -- choosing -------------------------------------------------------------------

    @staticmethod
    def avail(e: Employee, c: Course) -> float:
        if c.channel in LICENSED:
            return 1.0 if e.platform == c.channel else 0.04
        return 1.0

    def choose(self, e: Employee, options: list[tuple[int, float]]) -> int | None:
        weighted = [(ci, w * self.avail(e, self.c.catalog[ci])) for ci, w in options]
        if not weighted:
            return None
        return _pick(self.rng, weighted)

    def extras_table(self, e: Employee) -> tuple[list[int], list[float]]:
        key = (e.role, e.platform)
        if key not in self.extras_cache:
            req = {s for s, _, _ in ROLE_REQUIREMENTS[e.role]}
            cats = {SKILL_CATEGORY[s] for s in req}
            ids, cum, total = [], [], 0.0
            for ci, c in enumerate(self.c.catalog):
                if c.special:
                    continue
                skills = {s for s, _ in c.skills}
                rel = 3.0 if skills & req else 1.5 if c.category in cats else 0.35
                kind = 0.12 if c.channel == "badge" else 0.5 if c.credential_type == "assessment" else 1.0
                total += c.popularity * rel * kind * self.avail(e, c)
                ids.append(ci)
                cum.append(total)
            self.extras_cache[key] = (ids, cum)
        return self.extras_cache[key]

    # -- timing ---------------------------------------------------------------------

    def when(self, a: int, b: int, growth: float) -> int:
        """A moment in [a, b] whose density rises (growth > 0) or falls over the history."""
        rng = self.rng
        top = 1 + max(growth, 0)
        while True:
            t = a + rng.random() * (b - a)
            x = (t - self.h0) / self.span
            if rng.random() * top < 1 + growth * x:
                break
        day = int(t) // _DAY
        if (day + 3) % 7 >= 5 and rng.random() < 0.8:  # weekend -> the Friday before
            day -= (day + 3) % 7 - 4
        ts = day * _DAY + rng.randrange(7 * 3600, 19 * 3600)
        return min(max(ts, a), b)

    def elapsed(self, c: Course) -> int:
        """Calendar time from enrolment to the outcome, in seconds."""
        days = max(0.02, c.hours * self.rng.uniform(0.25, 1.6))
        return int(days * _DAY * self.rng.uniform(0.3, 1.0))

    # -- recording ------------------------------------------------------------------

    def score(self, passed: bool) -> float:
        return round(self.rng.triangular(70, 100, 87) if passed else self.rng.triangular(25, 69, 58), 1)

    def add(self, e: Employee, ci: int, end: int, status: str, a: int, *, start: int | None = None) -> bool:
        c = self.c.catalog[ci]
        key = (e.idx, ci)
        if c.channel in SINGLE_ROW and key in self.seen:
            return False
        if start is None:
            start = end if status == "enrolled" else end - self.elapsed(c)
            if start < a:  # enrolled before the history or the hire: spread, don't pile up at the edge
                start = a + int(self.rng.random() * (end - a))
        score = None
        if c.graded and status in ("passed", "failed"):
            score = self.score(status == "passed")
        self.c.events.append([e.idx, ci, start, end, status, score])
        self.seen[key] = len(self.c.events) - 1
        return True

    def success(self, c: Course) -> str:
        return "passed" if c.graded else "completed"

    def acquire(self, e: Employee, skill: str, level: int, a: int, b: int, growth: float) -> None:
        """The employee reaches skill at level through a course (maybe after a lower one or a failed try)."""
        rng = self.rng
        ci = self.choose(e, self.by_skill.get((skill, level), []))
        if ci is None:
            return
        c = self.c.catalog[ci]
        if (e.idx, ci) in self.seen and c.channel in SINGLE_ROW:
            return
        t = self.when(a, b, growth)
        lower = self.exact.get((skill, level - 1), [])
        if lower and rng.random() < 0.35 and t - a > 30 * _DAY:
            li = self.choose(e, [(x, 1.0) for x in lower])
            if li is not None:
                self.add(e, li, self.when(a, t - 14 * _DAY, 0.5), self.success(self.c.catalog[li]), a)
        if c.graded and c.channel not in SINGLE_ROW and rng.random() < 0.15 and t - a > 60 * _DAY:
            self.add(e, ci, t - rng.randrange(14, 60) * _DAY, "failed", a)
        self.add(e, ci, t, self.success(c), a)
        if c.validity_months:
            self.renew(e, ci, t, b)

    def renew(self, e: Employee, ci: int, t: int, b: int) -> None:
        """Certificates are renewed (or not) around their expiry."""
        c = self.c.catalog[ci]
        while True:
            due = _secs(_add_months(_day(t), c.validity_months)) + t % _DAY
            if due - 45 * _DAY > b or self.rng.random() > 0.45:
                return
            t = min(b, due - self.rng.randrange(0, 45) * _DAY)
            self.add(e, ci, t, "passed" if c.graded else "completed", t - 7 * _DAY)

    def partial(self, e: Employee, skill: str, level: int, a: int, b: int) -> None:
        """A gap that is being worked on: a course started, a lower level done, or a failed try."""
        rng = self.rng
        r = rng.random()
        if r < 0.35 and self.exact.get((skill, level - 1)):
            li = self.choose(e, [(x, 1.0) for x in self.exact[(skill, level - 1)]])
            if li is not None:
                self.add(e, li, self.when(a, b, 1.0), self.success(self.c.catalog[li]), a)
            return
        ci = self.choose(e, self.by_skill.get((skill, level), []))
        if ci is None:
            return
        c = self.c.catalog[ci]
        r = rng.random()
        status = "failed" if c.graded and r < 0.3 else "enrolled" if r < 0.5 else "in_progress"
        self.add(e, ci, self.when(a, b, 2.0), status, a)

    # -- the whole history ----------------------------------------------------------

    def run(self) -> None:
        c, rng = self.c, self.rng
        today = c.today
        last = _secs(today - timedelta(days=1)) + 18 * 3600
        goals = [(skill, lvl, scope, roles, p, g) for skill, lvl, scope, roles, _, _, p, g in GOAL_SPECS]
        onboarding = next(ci for ci, course in enumerate(c.catalog) if course.special == "onboarding")
        for e in c.employees:
            a = max(_secs(max(e.hire, c.start)) + 8 * 3600, self.h0)
            b = min(last, _secs(e.leave) + 17 * 3600) if e.leave else last
            if a >= b:
                continue
            team = c.teams[e.team] if e.team >= 0 else None
            p = team.propensity if team else 0.7
            tenure = min(1.0, 0.35 + 0.65 * (b - a) / (540 * _DAY))
            for skill, level, _ in ROLE_REQUIREMENTS[e.role]:
                pe = p * tenure * DAMPED_SKILLS.get(skill, 1.0)
                r = rng.random()
                if r < pe:
                    self.acquire(e, skill, level, a, b, 1.2)
                elif r < pe + (1 - pe) * 0.45:
                    self.partial(e, skill, level, a, b)
            for skill, level, scope, roles, push, growth in goals:
                if push and _in_scope(c, e, scope, roles) and rng.random() < push * tenure:
                    self.acquire(e, skill, level, a, b, growth)
            ids, cum = self.extras_table(e)
            for _ in range(_poisson(rng, 7.0 * (b - a) / self.span)):
                ci = ids[bisect.bisect_right(cum, rng.random() * cum[-1])]
                course = c.catalog[ci]
                r = rng.random()
                if course.graded:
                    status = "passed" if r < 0.6 else "failed" if r < 0.68 else "in_progress" if r < 0.9 else "enrolled"
                else:
                    status = "completed" if r < 0.66 else "in_progress" if r < 0.9 else "enrolled"
                t = self.when(a, b, 1.2)
                if self.add(e, ci, t, status, a) and status == "passed" and course.validity_months:
                    self.renew(e, ci, t, b)
            if e.hire >= c.start:
                done = _secs(e.hire) + rng.randrange(2, 20) * _DAY + rng.randrange(8 * 3600, 17 * 3600)
                if done < b:
                    self.add(
                        e,
                        onboarding,
                        done,
                        "completed" if rng.random() < 0.88 else "in_progress",
                        a,
                        start=_secs(e.hire) + 9 * 3600,
                    )
        self.compliance(last)
        self.plant_leaver(last)

    def compliance(self, last: int) -> None:
        """Yearly security-awareness campaigns (January to April), rising participation."""
        c, rng = self.c, self.rng
        for ci, course in enumerate(c.catalog):
            if not course.special.startswith("compliance"):
                continue
            k = int(course.special[-1])
            year = c.today.year - 2 + k
            opened = _secs(date(year, 1, 6)) + 9 * 3600
            close = _secs(date(year, 4, 30)) + 17 * 3600
            share = (0.55, 0.7, 0.8)[k]
            for e in c.employees:
                on = date(year, 2, 1)
                if e.hire > on or (e.leave and e.leave <= on):
                    continue
                a = max(opened, _secs(e.hire) + 9 * 3600)
                b = min(close, last, _secs(e.leave) + 17 * 3600 if e.leave else close)
                if a >= b:
                    continue
                r = rng.random()
                if r < share:
                    self.add(e, ci, self.when(a, b, -0.5), "completed", a, start=a)
                elif r < share + (1 - share) * 0.45:
                    self.add(
                        e, ci, self.when(a, b, 0.0), "in_progress" if rng.random() < 0.5 else "enrolled", a, start=a
                    )

    def plant_leaver(self, last: int) -> None:
        """A leaver whose LinkedIn Learning seat was not revoked keeps learning after leaving."""
        c = self.c
        leavers = [
            e
            for e in c.employees
            if e.leave and e.leave <= c.today - timedelta(days=60) and e.leave >= c.start + timedelta(days=60)
        ]
        if not leavers:
            return
        e = next((x for x in leavers if x.platform == "linkedin"), leavers[0])
        linked = [
            ci for ci, course in enumerate(c.catalog) if course.channel == "linkedin" and (e.idx, ci) not in self.seen
        ]
        t1 = _secs(e.leave) + 23 * _DAY + 10 * 3600 + 1260
        t2 = t1 + 9 * _DAY + 3 * 3600
        self.add(e, linked[0], t1, "completed", t1 - 3 * _DAY, start=t1 - 3 * _DAY)
        self.add(e, linked[1], t2, "in_progress", t2 - _DAY, start=t2 - _DAY)
        c.planted.append(
            f"Leaver with records after the leave date: {e.employee_id} ({e.email}) left on "
            f"{e.leave.isoformat()} but has LinkedIn Learning activity on {_day(t1).isoformat()} and "
            f"{_day(t2).isoformat()} (providers/ LinkedIn CSV)."
        )
        c.leaver_after = e.idx


def _assessments(company: Company) -> None:
    """Baseline survey at the start of the history, hiring assessments, one mid-history manager review."""
    c = company
    rng = _rng(c.seed, "assessments")
    out = c.assessments
    review_year = c.today.year - 1
    for e in c.employees:
        team = c.teams[e.team] if e.team >= 0 else None
        p = team.propensity if team else 0.7
        reqs = ROLE_REQUIREMENTS[e.role]
        if e.hire < c.start and (e.leave is None or e.leave > c.start):
            q = 0.1 + 0.3 * p
            day = c.start + timedelta(days=rng.randrange(3, 20))
            for skill, level, _ in reqs:
                if rng.random() < q * DAMPED_SKILLS.get(skill, 1.0):
                    r = rng.random()
                    lvl = level if r < 0.65 else level - 1 if r < 0.9 else level + 1
                    out.append((e.idx, skill, min(5, max(1, lvl)), day, f"Skills baseline survey {c.start.year}"))
        elif e.hire >= c.start:
            for skill, level, _ in reqs[:3]:
                if rng.random() < 0.4:
                    out.append((e.idx, skill, max(1, level - (rng.random() < 0.5)), e.hire, "Hiring assessment"))
        review = date(review_year, 6, 1) + timedelta(days=rng.randrange(0, 25))
        if e.hire < review and (e.leave is None or e.leave > review) and rng.random() < 0.15:
            for skill, level, _ in rng.sample(reqs, 1 + (rng.random() < 0.4)):
                lvl = level if rng.random() < p * DAMPED_SKILLS.get(skill, 1.0) else level - 1
                out.append((e.idx, skill, max(1, lvl), review, f"Manager review {review_year}"))
    out.sort(key=lambda a: (a[3], a[0], a[1]))


# --------------------------------------------------------------------------------------
# Strategic goals (targets set from the simulated history)
# --------------------------------------------------------------------------------------


def _goal_share(
    c: Company,
    skill: str,
    level: int,
    scope: str,
    roles: list[str],
    day: date,
    evidence: dict[int, list[tuple[int, int, int | None]]],
) -> tuple[float, int]:
    """Share of the population active on day whose valid evidence for skill reaches level."""
    ts = _secs(day)
    pop = met = 0
    for e in c.employees:
        if e.hire > day or (e.leave and e.leave <= day) or not _in_scope(c, e, scope, roles):
            continue
        pop += 1
        best = 0
        for lvl, frm, until in evidence.get(e.idx, ()):
            if frm <= ts and (until is None or ts < until):
                best = max(best, lvl)
        met += best >= level
    return (met / pop if pop else 0.0), pop


def _goal_evidence(c: Company, skill: str) -> dict[int, list[tuple[int, int, int | None]]]:
    ev: dict[int, list[tuple[int, int, int | None]]] = {}
    for emp, ci, _, end, status, _ in c.events:
        if status not in ("completed", "passed"):
            continue
        course = c.catalog[ci]
        for s, lvl in course.skills:
            if s == skill:
                until = _secs(_add_months(_day(end), course.validity_months)) if course.validity_months else None
                ev.setdefault(emp, []).append((lvl, end, until))
    for emp, s, lvl, day, _ in c.assessments:
        if s == skill:
            ev.setdefault(emp, []).append((lvl, _secs(day), None))
    return ev


def _build_goals(c: Company) -> None:
    """Targets chosen so that each goal's intended status holds with a wide margin."""
    year_ago = c.today - timedelta(days=365)
    owners = {}
    for e in c.employees:
        if e.role == "Chief Executive Officer":
            owners["company"] = e.employee_id
    for t in c.teams:  # a department's head is whoever its team leads report to
        owners.setdefault(t.department, c.employees[c.employees[t.lead].manager].employee_id)
    for n, (skill, level, scope, roles, (m, d), intent, _, _) in enumerate(GOAL_SPECS, 1):
        evidence = _goal_evidence(c, skill)
        now, pop = _goal_share(c, skill, level, scope, roles, c.today, evidence)
        before, _ = _goal_share(c, skill, level, scope, roles, year_ago, evidence)
        quarter, _ = _goal_share(c, skill, level, scope, roles, c.today - timedelta(days=90), evidence)
        deadline = date(c.today.year + 1, m, d)
        days = (deadline - c.today).days
        # Straight lines through the last year and the last 90 days; the target must hold for both.
        paths = [min(1.0, now + (now - before) / 365 * days), min(1.0, now + (now - quarter) / 90 * days)]
        if intent == "achieved":
            projected = max(paths)
            target = max(0.05, math.floor((now - 0.05) * 20) / 20)
        elif intent == "on track":  # halfway between today's share and the lower projection
            projected = min(paths)
            target = min(0.95, round((now + projected) / 2 * 20) / 20)
            if target < now + 0.03:
                target = min(0.95, math.ceil((now + 0.03) * 20) / 20)
        else:
            projected = max(paths)
            target = min(0.95, math.ceil((projected + 0.15) * 20 - 1e-9) / 20)
        pct = round(target * 100)
        who = " and ".join(f"{r}s" for r in roles) if roles else "the company" if scope == "company" else scope
        if roles and scope != "company":
            who += f" in {scope}"
        c.goals.append(
            {
                "goal_id": f"G{n}",
                "name": f"{pct}% of {who} at {skill} level {level} by {deadline.isoformat()}",
                "skill": skill,
                "min_level": level,
                "scope": scope,
                "roles": ";".join(roles),
                "target_share": f"{target:.2f}",
                "deadline": deadline.isoformat(),
                "owner": owners.get(scope, owners.get("company", "")),
                "intent": intent,
                "share_now": now,
                "share_year_ago": before,
                "projected": projected,
                "population": pop,
            }
        )


# --------------------------------------------------------------------------------------
# Money: FX, licences, spend, budgets
# --------------------------------------------------------------------------------------

LICENCE_TERMS = {  # channel -> (vendor, price per seat and year, currency, invoices per year, seat headroom)
    "linkedin": ("LinkedIn Learning", 379.0, "USD", 4, 1.1),
    "udemy": ("Udemy Business", 330.0, "EUR", 1, 1.5),
    "coursera": ("Coursera", 399.0, "USD", 1, 1.25),
}
CONFERENCES = {
    "Engineering": ["CloudNorth Summit", "DevCraft Europe", "API Days Midwest"],
    "Data": ["DataWorks Europe", "Modern Analytics Forum"],
    "Security": ["SecureOps Con", "Threat Intel Summit"],
    "Product": ["Product Compass Conference", "UX Harbour"],
    "Sales": ["SaaS Revenue Forum", "Enterprise Selling Live"],
    "People and Finance": ["People Analytics Days", "CFO Horizons"],
    EXEC_DEPARTMENT: ["Leaders Retreat Europe"],
}
TRAINING_VENDORS = [
    "Northgate Training",
    "Meridian Leadership Institute",
    "Brightpath Coaching",
    "Keystone Professional Education",
]
CONTENT_VENDORS = ["Quantive Content", "Brightlane eLearning", "Harbor Compliance Media"]


def _months(first: date, last: date) -> list[date]:
    out, m = [], first.replace(day=1)
    while m <= last:
        out.append(m)
        m = _add_months(m, 1)
    return out


def _build_fx(c: Company) -> None:
    """Monthly USD rates for EUR and GBP: a gentle random walk."""
    rng = _rng(c.seed, "fx")
    for cur, start, lo, hi in (("EUR", 1.085, 1.02, 1.20), ("GBP", 1.265, 1.18, 1.38)):
        rate, series = start, {}
        for m in _months(c.start, c.today):
            series[m] = round(rate, 4)
            rate = min(hi, max(lo, rate + rng.gauss(0.0015, 0.011)))
        c.fx[cur] = series


def _to_usd(c: Company, amount: float, currency: str, day: date) -> float:
    if currency == "USD":
        return amount
    return amount * c.fx[currency][day.replace(day=1)]


def _from_usd(c: Company, amount: float, currency: str, day: date) -> float:
    if currency == "USD":
        return amount
    return amount / c.fx[currency][day.replace(day=1)]


def _build_money(c: Company) -> None:
    """Licences sized from actual use, invoices, exam vouchers, paid workshops, packages,
    conferences and coaching; budgets set so utilisation differs by department."""
    rng = _rng(c.seed, "money")
    cat, emps = c.catalog, c.employees
    spend: list[tuple] = []  # (date, amount, currency, vendor, category, team, employee_id, course_id, desc, ref)
    counters: dict[str, int] = {}

    def ref(prefix: str, day: date) -> str:
        key = f"{prefix}-{day.year % 100:02d}"
        counters[key] = counters.get(key, 0) + 1
        return f"{key}{counters[key]:04d}"

    # Licences: one row per vendor and contract year; the year after today is the renewal.
    periods = [(_add_months(c.start, 12 * k), _add_months(c.start, 12 * (k + 1)) - timedelta(days=1)) for k in range(4)]
    users: dict[tuple[str, int], set[int]] = {}
    for emp, ci, _start, end, _status, _ in c.events:
        ch = cat[ci].channel
        if ch in LICENSED:
            for k, (ps, pe) in enumerate(periods):
                if _secs(ps) <= end < _secs(pe) + _DAY:
                    users.setdefault((ch, k), set()).add(emp)
    for ch, (vendor, price, currency, invoices, headroom) in LICENCE_TERMS.items():
        seats = 0
        for k, (ps, pe) in enumerate(periods):
            if k < 3 or seats == 0:
                n = len(users.get((ch, min(k, 2)), ()))
                seats = max(25, math.ceil(n * headroom / 25) * 25)
            cost = seats * price
            c.licences.append(
                {
                    "vendor": vendor,
                    "seats": seats,
                    "start_date": ps.isoformat(),
                    "end_date": pe.isoformat(),
                    "cost": _money(cost),
                    "currency": currency,
                }
            )
            for q in range(invoices):
                day = _add_months(ps, 12 // invoices * q)
                if k == 3:
                    day = min(ps - timedelta(days=16), c.today - timedelta(days=1))
                if day > c.today or (k == 3 and q > 0):
                    continue
                what = f"{seats} seats {ps.isoformat()} to {pe.isoformat()}"
                if invoices > 1:
                    what += f", instalment {q + 1} of {invoices}"
                spend.append(
                    (
                        day,
                        cost / invoices,
                        currency,
                        vendor,
                        "licence",
                        "",
                        "",
                        "",
                        f"{vendor} licence: {what}",
                        ref("INV", day),
                    )
                )

    # Platforms: Moodle hosting (monthly), LRS (monthly), SCORM Cloud and Cornerstone (yearly).
    size = max(c.scale, 0.2) ** 0.6
    for m in _months(c.start, c.today):
        spend.append(
            (
                m + timedelta(days=4),
                round(1450 * size, 2),
                "EUR",
                "Kestrel Moodle Hosting",
                "platform",
                "",
                "",
                "",
                f"Moodle hosting {m:%B %Y}",
                ref("KMH", m),
            )
        )
        spend.append(
            (
                m + timedelta(days=9),
                round(620 * size, 2),
                "USD",
                "Lumen LRS",
                "platform",
                "",
                "",
                "",
                f"Learning record store subscription {m:%B %Y}",
                ref("LRS", m),
            )
        )
    for ps, _ in periods[:3]:
        spend.append(
            (
                ps + timedelta(days=14),
                round(42000 * size, 2),
                "USD",
                "Cornerstone",
                "platform",
                "",
                "",
                "",
                f"Cornerstone learning suite, year from {ps.isoformat()}",
                ref("CSOD", ps),
            )
        )
        spend.append(
            (
                ps + timedelta(days=20),
                round(7800 * size, 2),
                "USD",
                "SCORM Cloud",
                "platform",
                "",
                "",
                "",
                f"SCORM Cloud subscription, year from {ps.isoformat()}",
                ref("SCC", ps),
            )
        )

    # Per-learner purchases: exam vouchers and paid workshops, in the team's currency.
    first_use: dict[int, int] = {}
    vendor_of = {ci: TRAINING_VENDORS[rng.randrange(len(TRAINING_VENDORS))] for ci in range(len(cat))}
    content_vendor = {ci: CONTENT_VENDORS[rng.randrange(len(CONTENT_VENDORS))] for ci in range(len(cat))}
    for emp, ci, start, end, _status, _ in c.events:
        course = cat[ci]
        e = emps[emp]
        if course.channel == "scorm":
            first_use[ci] = min(first_use.get(ci, start), start)
        if not course.price:
            continue
        cur = c.currency(e)
        if course.channel == "badge":
            day = max(c.start, _day(end) - timedelta(days=rng.randrange(5, 30)))
            amount = _from_usd(c, _to_usd(c, course.price, course.currency, day), cur, day)
            spend.append(
                (
                    day,
                    amount,
                    cur,
                    course.issuer,
                    "certification",
                    c.team_name(e),
                    e.employee_id,
                    course.course_id,
                    f"Exam voucher: {course.title}",
                    ref("PO", day),
                )
            )
        elif course.channel == "cornerstone":
            day = max(c.start, _day(start) - timedelta(days=rng.randrange(3, 21)))
            amount = _from_usd(c, _to_usd(c, course.price, course.currency, day), cur, day)
            spend.append(
                (
                    day,
                    amount,
                    cur,
                    vendor_of[ci],
                    "course",
                    c.team_name(e),
                    e.employee_id,
                    course.course_id,
                    f"Registration: {course.title}",
                    ref("PO", day),
                )
            )
    for ci in sorted(first_use):
        course = cat[ci]
        day = max(c.start, _day(first_use[ci]) - timedelta(days=20))
        spend.append(
            (
                day,
                course.price,
                course.currency,
                content_vendor[ci],
                "course",
                "",
                "",
                course.course_id,
                f"SCORM package licence: {course.title}",
                ref("PO", day),
            )
        )

    # Conferences and coaching, per team and department.
    active_by_team: dict[int, list[Employee]] = {}
    for e in emps:
        active_by_team.setdefault(e.team, []).append(e)
    units = [(ti, t.department, t.location) for ti, t in enumerate(c.teams)] + [(-1, EXEC_DEPARTMENT, "Boston")]
    days_total = (c.today - c.start).days
    for ti, dept, loc in units:
        members = active_by_team.get(ti, [])
        if not members:
            continue
        cur = LOCATIONS[loc]
        team_name = EXEC_TEAM if ti < 0 else c.teams[ti].name
        for _ in range(_poisson(rng, 3.6 * len(members) / 37)):
            day = c.start + timedelta(days=rng.randrange(days_total))
            who = [e for e in members if e.hire <= day and (e.leave is None or e.leave > day)]
            if not who:
                continue
            e = who[rng.randrange(len(who))]
            conf = rng.choice(CONFERENCES[dept])
            amount = _from_usd(c, rng.uniform(600, 2400), cur, day)
            spend.append(
                (
                    day,
                    amount,
                    cur,
                    conf,
                    "conference",
                    team_name,
                    e.employee_id,
                    "",
                    f"{conf} {day.year} ticket",
                    ref("EXP", day),
                )
            )
        for _ in range(_poisson(rng, 1.5)):
            day = c.start + timedelta(days=rng.randrange(days_total))
            if rng.random() < 0.6:
                vendor, amount, what = "Brightpath Coaching", rng.uniform(1500, 6000), "Leadership coaching sessions"
            else:
                vendor, amount, what = "Pagewise Books", rng.uniform(80, 450), "Technical books"
            spend.append(
                (day, _from_usd(c, amount, cur, day), cur, vendor, "other", team_name, "", "", what, ref("EXP", day))
            )

    spend.sort(key=lambda r: (r[0], r[9]))
    c.spend = [
        [d.isoformat(), _money(a), cur, v, cat_, t, e, co, desc, r] for d, a, cur, v, cat_, t, e, co, desc, r in spend
    ]

    # Budgets (USD, calendar years): departments and the company.
    dept_of_team = {t.name: t.department for t in c.teams}
    dept_of_team[EXEC_TEAM] = EXEC_DEPARTMENT
    factors = {
        "Engineering": 0.93,
        "Data": 1.12,
        "Security": 1.3,
        "Product": 1.05,
        "Sales": 0.86,
        "People and Finance": 1.2,
        EXEC_DEPARTMENT: 1.1,
    }
    for year in (c.today.year - 1, c.today.year):
        first, last = date(year, 1, 1), date(year, 12, 31)
        elapsed = (min(last, c.today) - first).days + 1
        annualise = 365 / elapsed
        by_unit: dict[str, float] = {}
        central = 0.0
        for d, a, cur, *_rest in spend:
            if first <= d <= last:
                team = _rest[2]
                usd = _to_usd(c, a, cur, d)
                if team:
                    dept = dept_of_team[team]
                    by_unit[dept] = by_unit.get(dept, 0.0) + usd
                else:
                    central += usd
        total = 0.0
        for dept in [d for d, _, _ in DEPARTMENTS] + [EXEC_DEPARTMENT]:
            amount = (
                round(
                    by_unit.get(dept, 0.0) * annualise * (factors[dept] + (0.05 if year < c.today.year else 0)) / 1000
                )
                * 1000
            )
            amount = max(amount, 1000)
            total += amount
            c.budgets.append([dept, first.isoformat(), last.isoformat(), _money(amount), "USD"])
        company = round((total + central * annualise * 1.04) / 1000) * 1000
        c.budgets.append(["company", first.isoformat(), last.isoformat(), _money(company), "USD"])


# --------------------------------------------------------------------------------------
# Writers: company files
# --------------------------------------------------------------------------------------

COMPANY_HEADERS = {
    "roster.csv": [
        "employee_id",
        "full_name",
        "email",
        "role",
        "team",
        "department",
        "manager_id",
        "location",
        "cost_center",
        "hire_date",
        "leave_date",
    ],
    "skills.csv": ["skill", "category", "description"],
    "catalog.csv": [
        "course_id",
        "title",
        "provider",
        "hours",
        "price",
        "currency",
        "credential_type",
        "validity_months",
        "skills",
        "aliases",
    ],
    "requirements.csv": ["role", "skill", "required_level", "weight"],
    "goals.csv": ["goal_id", "name", "skill", "min_level", "scope", "roles", "target_share", "deadline", "owner"],
    "spend.csv": [
        "date",
        "amount",
        "currency",
        "vendor",
        "category",
        "team",
        "employee_id",
        "course_id",
        "description",
        "reference",
    ],
    "budgets.csv": ["unit", "period_start", "period_end", "amount", "currency"],
    "licences.csv": ["vendor", "seats", "start_date", "end_date", "cost", "currency"],
    "fx.csv": ["currency", "month", "rate"],
    "assessments.csv": ["employee_id", "skill", "level", "assessed_at", "source"],
}


def _write_company(c: Company, out: Path, counts: dict[str, int]) -> None:
    d = out / "company"
    emps = c.employees
    rows = {
        "roster.csv": [
            [
                e.employee_id,
                e.full_name,
                e.email,
                e.role,
                c.team_name(e),
                c.department(e),
                emps[e.manager].employee_id if e.manager >= 0 else "",
                e.location,
                _cost_center(c, e),
                e.hire.isoformat(),
                e.leave.isoformat() if e.leave else "",
            ]
            for e in emps
        ],
        "skills.csv": [list(s) for s in SKILLS],
        "catalog.csv": [
            [
                x.course_id,
                x.title,
                x.provider,
                f"{x.hours:g}",
                "" if x.price is None else _money(x.price),
                x.currency,
                x.credential_type,
                x.validity_months or "",
                "; ".join(f"{s}:{lvl}" for s, lvl in x.skills),
                ";".join([x.alias, *x.extra_aliases]),
            ]
            for x in c.catalog
        ],
        "requirements.csv": [[role, s, lvl, w] for role, reqs in ROLE_REQUIREMENTS.items() for s, lvl, w in reqs],
        "goals.csv": [[g[k] for k in COMPANY_HEADERS["goals.csv"]] for g in c.goals],
        "spend.csv": c.spend,
        "budgets.csv": c.budgets,
        "licences.csv": [[x[k] for k in COMPANY_HEADERS["licences.csv"]] for x in c.licences],
        "fx.csv": [[cur, m.isoformat(), f"{r:.4f}"] for cur, series in c.fx.items() for m, r in series.items()],
        "assessments.csv": [
            [emps[i].employee_id, s, lvl, day.isoformat(), src] for i, s, lvl, day, src in c.assessments
        ],
    }
    for name, header in COMPANY_HEADERS.items():
        counts[f"company/{name}"] = _write_csv(d / name, header, rows[name])


# --------------------------------------------------------------------------------------
# Writers: Moodle
# --------------------------------------------------------------------------------------


def _php_csv(rows: list[list[str]]) -> str:
    """CSV as PHP's fputcsv writes it (Moodle's csv_export_writer and Spout): a field is
    quoted when it holds a comma, quote, space, tab or line break; lines end with \\n."""
    out = []
    for row in rows:
        cells = []
        for v in row:
            v = str(v)
            if any(ch in v for ch in ',"\n\r\t '):
                v = '"' + v.replace('"', '""') + '"'
            cells.append(v)
        out.append(",".join(cells) + "\n")
    return "".join(out)


def _short_date(ts: int, us: bool = False) -> str:
    """Moodle strftimedatetimeshort with the day's leading zero removed (en: d/mm/yy, en_us: mm/d/yy)."""
    t = _dublin(ts)
    if us:
        return f"{t.month:02d}/{t.day}/{t.year % 100:02d}, {t.hour:02d}:{t.minute:02d}"
    return f"{t.day}/{t.month:02d}/{t.year % 100:02d}, {t.hour:02d}:{t.minute:02d}"


def _day_date(ts: int) -> str:
    """Moodle strftimedaydatetime (en): 'Thursday, 14 March 2024, 9:05 AM'."""
    t = _dublin(ts)
    return (
        f"{WEEKDAYS[t.weekday()]}, {t.day} {MONTHS[t.month - 1]} {t.year}, {t.hour % 12 or 12}:{t.minute:02d} "
        f"{'AM' if t.hour < 12 else 'PM'}"
    )


def _stable_offset(emp: int, ci: int, span: int) -> int:
    """A per-record offset that is the same in every export of the record (overlapping exports agree)."""
    return (emp * 7919 + ci * 104729) % span


def _events_by_course(c: Company) -> dict[int, list[list]]:
    out: dict[int, list[list]] = {}
    for ev in c.events:
        out.setdefault(ev[1], []).append(ev)
    return out


def _write_moodle(c: Company, out: Path, counts: dict[str, int]) -> None:
    """Per-course legacy completion reports (one exported twice, one in en_us, one with a broken
    date, one with two activities) plus one report-builder file for the other Moodle courses."""
    rng = _rng(c.seed, "moodle")
    cat, emps = c.catalog, c.employees
    d = out / "moodle"
    d.mkdir(parents=True, exist_ok=True)
    by_course = _events_by_course(c)
    moodle = [ci for ci, x in enumerate(cat) if x.channel == "moodle"]
    ranked = sorted(moodle, key=lambda ci: (-len(by_course.get(ci, [])), cat[ci].course_id))
    legacy, builder = ranked[:8], sorted(ranked[8:], key=lambda ci: cat[ci].title)
    last_export = _secs(c.today - timedelta(days=1)) + 8 * 3600 + 30 * 60

    def export_at(days_back: int) -> int:
        return _secs(c.today - timedelta(days=days_back)) + rng.randrange(8 * 3600, 17 * 3600) // 60 * 60

    def state(ev: list, at: int) -> str:
        _, _, _start, end, status, _ = ev
        if end > at:
            return "open"
        return {"completed": "done", "passed": "done", "failed": "failed"}.get(status, "open")

    def legacy_file(
        ci: int, at: int, *, us: bool = False, two: bool = False, unknown: bool = False, broken: bool = False
    ) -> str:
        course = cat[ci]
        act = course.activity
        header = ["ID", "Name", "Email address"]
        if two:
            header += ["Module 1 video", "Module 1 video - Completion date"]
        header += [act, f"{act} - Completion date", "Course complete"]
        rows = []
        for ev in sorted(by_course.get(ci, []), key=lambda v: (emps[v[0]].last, emps[v[0]].first, v[0])):
            emp, _, start, end, status, _ = ev
            if start > at:
                continue
            e = emps[emp]
            st = state(ev, at)
            act_ts = end - 60 - _stable_offset(emp, ci, 2400)
            row = [str(e.moodle_id), e.full_name, e.email]
            if two:
                video_ts = min(end - 300, start + 900 + _stable_offset(emp, ci, 5400))
                seen = st != "open" or (status in ("in_progress", "failed") and video_ts <= at)
                row += ["Completed", _short_date(video_ts, us)] if seen else ["Not completed", ""]
            if st == "done":
                word = "Completed (achieved pass grade)" if course.graded else "Completed"
                row += [word, _short_date(act_ts, us), _short_date(end, us)]
            elif st == "failed":
                row += ["Completed (did not achieve pass grade)", _short_date(act_ts, us), ""]
            else:
                row += ["Not completed", "", ""]
            rows.append(row)
        if unknown:
            ts = at - 20 * _DAY
            rows.append(
                [
                    "9001",
                    "Robin Achterberg",
                    UNKNOWN_EMAILS[0],
                    "Completed (achieved pass grade)" if course.graded else "Completed",
                    _short_date(ts - 900, us),
                    _short_date(ts, us),
                ]
            )
            c.planted.append(
                f"Unknown learner in Moodle: {UNKNOWN_EMAILS[0]} (Moodle ID 9001) in "
                f"completion-{course.alias}-*.csv is not in the roster."
            )
        if broken:
            done = [r for r in rows if r[-1]]
            if done:
                bad = done[len(done) // 2]
                yy = bad[-1].split(",")[0].split("/")[-1]
                bad[-1] = f"30/02/{yy}, {bad[-1].split(', ')[1]}"
                c.planted.append(
                    f"Malformed row: 'Course complete' is '{bad[-1]}' (30 February) for Moodle ID "
                    f"{bad[0]} ({bad[2]}) in completion-{course.alias}-*.csv."
                )
        name = f"completion-{course.alias}-{_dt(at):%Y%m%d_%H%M}-comma_separated.csv"
        (d / name).write_text(_php_csv([header] + rows), encoding="utf-8")
        counts[f"moodle/{name}"] = len(rows)
        return name

    for n, ci in enumerate(legacy):
        if n == 0:
            early = _secs(_add_months(c.start, 15) + timedelta(days=13)) + 9 * 3600 + 12 * 60
            first = legacy_file(ci, early)
            second = legacy_file(ci, export_at(6))
            c.planted.append(
                f"Overlapping Moodle exports of the same course: {first} and {second} (the later one "
                "is a superset; some rows were completed in between)."
            )
        elif n == 1:
            name = legacy_file(ci, export_at(3), us=True)
            c.planted.append(f"{name} was exported by a user with the en_us language pack: dates are m/d/yy.")
        else:
            legacy_file(ci, export_at(1 + n % 5), two=(n == 3), broken=(n == 2), unknown=(n == 4))

    header = [
        "Course full name with link",
        "Full name with link",
        "Email address",
        "Completed",
        "Time completed",
        "Progress",
    ]
    rows = []
    for ci in builder:
        course = cat[ci]
        for ev in sorted(by_course.get(ci, []), key=lambda v: (emps[v[0]].full_name, v[0])):
            emp, _, start, end, status, _ = ev
            if start > last_export:
                continue
            e = emps[emp]
            st = state(ev, last_export)
            if st == "done":
                rows.append([course.title, e.full_name, e.email, "Yes", _day_date(end), "100.0%"])
            else:
                pct = 0 if status == "enrolled" else (25, 50, 75)[_stable_offset(emp, ci, 3)]
                rows.append([course.title, e.full_name, e.email, "No", "", f"{pct:.1f}%"])
    name = "course_completion_status.csv"
    (d / name).write_text("\ufeff" + _php_csv([header] + rows), encoding="utf-8")
    counts[f"moodle/{name}"] = len(rows)


# --------------------------------------------------------------------------------------
# Writers: LRS (xAPI)
# --------------------------------------------------------------------------------------


def _verb(word: str) -> dict:
    return {"id": VERB_IRI[word], "display": {"en-US": word}}


def _write_lrs(c: Company, out: Path, counts: dict[str, int]) -> None:
    """An LRS dump in two overlapping pieces: a StatementResult JSON and a JSON-lines file."""
    rng = _rng(c.seed, "lrs")
    cat, emps = c.catalog, c.employees
    switch = _secs(_add_months(c.start, 15))  # the Coursera connector started hashing e-mails
    stmts: list[tuple[float, dict]] = []  # (stored, statement)

    def actor(e: Employee, course: Course, start: int) -> dict:
        if course.channel == "cmi5":
            return {"objectType": "Agent", "account": {"homePage": ACADEMY_HOME, "name": e.employee_id}}
        if start < switch:
            return {"objectType": "Agent", "name": e.full_name, "mbox": f"mailto:{e.email}"}
        return {"objectType": "Agent", "mbox_sha1sum": hashlib.sha1(f"mailto:{e.email}".encode()).hexdigest()}

    def obj(course_id: str, title: str) -> dict:
        return {
            "objectType": "Activity",
            "id": course_id,
            "definition": {"name": {"en-US": title}, "type": "http://adlnet.gov/expapi/activities/course"},
        }

    def emit(
        ts: float,
        act: dict,
        word: str,
        course: Course | None,
        result: dict | None,
        reg: str,
        *,
        object_id: str | None = None,
        title: str | None = None,
    ) -> dict:
        stored = ts + rng.uniform(0.2, 90)
        s = {
            "id": _uuid(rng),
            "actor": act,
            "verb": _verb(word),
            "object": obj(object_id or course.alias, title or course.title),
        }
        if result is not None:
            s["result"] = result
        ctx = {
            "registration": reg,
            "platform": "Alderbrook Academy" if course and course.channel == "cmi5" else "Coursera",
        }
        if course is not None and course.channel == "cmi5":
            ctx["contextActivities"] = {"category": [{"id": CMI5_CATEGORY}]}
        s["context"] = ctx
        s["timestamp"] = _iso_ms(ts)
        s["stored"] = _iso_ms(stored)
        s["version"] = "1.0.3"
        stmts.append((stored, s))
        return s

    def scored(score: float, success: bool, seconds: float) -> dict:
        return {
            "score": {"scaled": round(score / 100, 2), "raw": round(score), "min": 0, "max": 100},
            "success": success,
            "completion": True,
            "duration": _duration(seconds),
        }

    passed_list: list[dict] = []
    for ev in c.events:
        emp, ci, start, end, status, score = ev
        course = cat[ci]
        if course.channel not in ("coursera", "cmi5"):
            continue
        e = emps[emp]
        act = actor(e, course, start)
        reg = _uuid(rng)
        t0 = start + rng.random()
        emit(t0, act, "attempted", course, None, reg)
        spent = max(300.0, course.hours * 3600 * rng.uniform(0.6, 1.2))
        if status in ("in_progress", "enrolled"):
            if status == "in_progress" and end > start:
                pct = rng.randrange(10, 95, 5)
                emit(
                    end + rng.random(),
                    act,
                    "progressed",
                    course,
                    {"completion": False, "duration": _duration(spent * pct / 100), "extensions": {CMI5_PROGRESS: pct}},
                    reg,
                )
            continue
        if status == "completed":
            emit(end + rng.random(), act, "completed", course, {"completion": True, "duration": _duration(spent)}, reg)
            continue
        if status == "passed" or rng.random() < 0.3:
            emit(
                end - rng.randrange(60, 600) + rng.random(),
                act,
                "completed",
                course,
                {"completion": True, "duration": _duration(spent)},
                reg,
            )
        s = emit(end + rng.random(), act, status, course, scored(score, status == "passed", spent), reg)
        if status == "passed":
            passed_list.append(s)
            if course.channel == "cmi5":
                emit(end + 1 + rng.random(), act, "satisfied", course, None, reg)

    cut_a = _secs(_add_months(c.today.replace(day=1), -6))  # JSON-lines piece starts here
    cut_b = _secs(_add_months(c.today.replace(day=1), -4))  # StatementResult piece ends here
    last = _secs(c.today - timedelta(days=1)) + 18 * 3600

    # Planted: unknown learner, unknown course, a voided 'passed', a score of 1.5.
    coursera = [ci for ci, x in enumerate(cat) if x.channel == "coursera"]
    if coursera:
        course = cat[coursera[0]]
        t = cut_a - 40 * _DAY + 10 * 3600
        reg = _uuid(rng)
        who = {"objectType": "Agent", "name": "Guest Learner", "mbox": f"mailto:{UNKNOWN_EMAILS[1]}"}
        emit(t, who, "attempted", course, None, reg)
        emit(t + 5 * 3600, who, "completed", course, {"completion": True, "duration": "PT4H12M5S"}, reg)
        c.planted.append(
            f"Unknown learner in the LRS: mbox mailto:{UNKNOWN_EMAILS[1]} (attempted and completed '{course.title}')."
        )
        holder = next((e for e in emps if e.platform == "coursera" and e.leave is None), emps[0])
        t = cut_b + 20 * _DAY + 14 * 3600
        reg = _uuid(rng)
        who = {"objectType": "Agent", "mbox_sha1sum": hashlib.sha1(f"mailto:{holder.email}".encode()).hexdigest()}
        emit(t, who, "attempted", course, None, reg, object_id=UNKNOWN_XAPI_COURSE, title="Quantum Computing Primer")
        emit(
            t + 3 * 3600,
            who,
            "completed",
            course,
            {"completion": True, "duration": "PT2H51M0S"},
            reg,
            object_id=UNKNOWN_XAPI_COURSE,
            title="Quantum Computing Primer",
        )
        c.planted.append(
            f"Unknown course: xAPI object {UNKNOWN_XAPI_COURSE} (completed by {holder.employee_id}) "
            "is not in the catalog."
        )
    early = [s for s in passed_list if s["stored"] < _iso_ms(cut_a)]
    if early:
        target = early[len(early) // 2]
        t = cut_b + 35 * _DAY + 11 * 3600
        voider = {"objectType": "Agent", "account": {"homePage": LRS_HOME, "name": "lrs-admin"}}
        s = {
            "id": _uuid(rng),
            "actor": voider,
            "verb": _verb("voided"),
            "object": {"objectType": "StatementRef", "id": target["id"]},
            "timestamp": _iso_ms(t),
            "stored": _iso_ms(t + 1.5),
            "version": "1.0.3",
        }
        stmts.append((t + 1.5, s))
        c.planted.append(
            f"Voided statement: {s['id']} (in the JSON-lines file) voids the 'passed' statement "
            f"{target['id']} (in the StatementResult file)."
        )
    late = [s for s in passed_list if s["stored"] >= _iso_ms(cut_b)]
    if late:
        target = late[len(late) // 3]
        target["result"]["score"] = {"scaled": 1.5}
        c.planted.append(f"Out-of-range score: statement {target['id']} has result.score.scaled 1.5.")

    stmts = [(st, s) for st, s in stmts if st <= last]
    stmts.sort(key=lambda x: (x[0], x[1]["id"]))
    d = out / "lrs"
    d.mkdir(parents=True, exist_ok=True)
    dump = lambda s: json.dumps(s, ensure_ascii=False, separators=(",", ":"))  # noqa: E731
    first = [s for st, s in stmts if st < cut_b]
    second = [s for st, s in stmts if st >= cut_a]
    n1 = f"statements_{c.start.isoformat()}_to_{_day(cut_b - 1).isoformat()}.json"
    n2 = f"statements_{_day(cut_a).isoformat()}_to_{c.today.isoformat()}.jsonl"
    # An LRS answers newest first; the JSON-lines dump is in stored order.
    (d / n1).write_text(
        '{"statements":[' + ",".join(dump(s) for s in reversed(first)) + '],"more":""}', encoding="utf-8"
    )
    (d / n2).write_text("".join(dump(s) + "\n" for s in second), encoding="utf-8")
    counts[f"lrs/{n1}"] = len(first)
    counts[f"lrs/{n2}"] = len(second)
    overlap = len(first) + len(second) - len(stmts)
    c.planted.append(
        f"Overlapping LRS exports: {overlap} statements stored between {_day(cut_a).isoformat()} and "
        f"{_day(cut_b - 1).isoformat()} are in both {n1} and {n2}."
    )


# --------------------------------------------------------------------------------------
# Writers: Open Badges
# --------------------------------------------------------------------------------------

_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def _badge_json(c: Company, course: Course, email: str, issued: int, rng: random.Random) -> tuple[str, dict]:
    """One Open Badges 2.0 assertion or 3.0 OpenBadgeCredential, with a hashed, salted recipient."""
    domain, version = ISSUERS[course.issuer]
    salt = f"{rng.getrandbits(64):016x}"
    identity = "sha256$" + hashlib.sha256((email.lower() + salt).encode()).hexdigest()
    expires = (
        _secs(_add_months(_day(issued), course.validity_months)) + issued % _DAY if course.validity_months else None
    )
    uid = _uuid(rng)
    narrative = (
        f"Awarded to holders of the {course.title} credential after passing the proctored exam."
        if course.credential_type == "certificate"
        else f"Awarded by {course.issuer} for completing the {course.title} programme and its capstone."
    )
    if version == "2" or (version == "2to3" and issued < _secs(_add_months(c.start, 19))):
        badge_id = course.extra_aliases[0] if course.extra_aliases else course.alias
        doc = {
            "@context": "https://w3id.org/openbadges/v2",
            "type": "Assertion",
            "id": f"https://{domain}/assertions/{uid}",
            "recipient": {"type": "email", "hashed": True, "salt": salt, "identity": identity},
        }
        if rng.random() < 0.5:
            doc["badge"] = badge_id
        else:
            doc["badge"] = {
                "type": "BadgeClass",
                "id": badge_id,
                "name": course.title,
                "description": f"{course.title}, issued by {course.issuer}.",
                "image": f"https://{domain}/images/{_slug(course.title)}.png",
                "criteria": {"narrative": narrative},
                "issuer": {
                    "type": "Profile",
                    "id": f"https://{domain}/issuer",
                    "name": course.issuer,
                    "url": f"https://{domain}",
                },
            }
        doc["issuedOn"] = _iso_z(issued)
        if expires:
            doc["expires"] = _iso_z(expires)
        doc["verification"] = {"type": "hosted"}
        return uid, doc
    doc = {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": f"urn:uuid:{uid}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": f"https://{domain}/issuers/1", "type": ["Profile"], "name": course.issuer},
        "validFrom": _iso_z(issued),
    }
    if expires:
        doc["validUntil"] = _iso_z(expires)
    doc["name"] = course.title
    doc["credentialSubject"] = {
        "type": ["AchievementSubject"],
        "identifier": [
            {
                "type": "IdentityObject",
                "identityHash": identity,
                "identityType": "emailAddress",
                "hashed": True,
                "salt": salt,
            }
        ],
        "achievement": {
            "id": course.alias,
            "type": ["Achievement"],
            "achievementType": "Certification" if course.credential_type == "certificate" else "Badge",
            "name": course.title,
            "description": f"{course.title}, issued by {course.issuer}.",
            "criteria": {"narrative": narrative},
        },
    }
    doc["proof"] = {
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-rdfc-2022",
        "created": _iso_z(issued + 2),
        "verificationMethod": f"https://{domain}/issuers/1#key-1",
        "proofPurpose": "assertionMethod",
        "proofValue": "z" + "".join(rng.choice(_B58) for _ in range(86)),
    }
    return uid, doc


def _write_badges(c: Company, out: Path, counts: dict[str, int]) -> None:
    rng = _rng(c.seed, "badges")
    d = out / "badges"
    d.mkdir(parents=True, exist_ok=True)
    items = [(ev[3], ev[0], ev[1]) for ev in c.events if c.catalog[ev[1]].channel == "badge" and ev[4] == "passed"]
    items.sort()
    docs: list[tuple[str, dict, int]] = []
    for issued, emp, ci in items:
        uid, doc = _badge_json(c, c.catalog[ci], c.employees[emp].email, issued, rng)
        docs.append((f"{_slug(c.catalog[ci].title)}-{uid[:8]}.json", doc, issued))
    badge_courses = [ci for ci, x in enumerate(c.catalog) if x.channel == "badge" and ISSUERS[x.issuer][1] == "3"]
    if badge_courses:
        course = c.catalog[badge_courses[0]]
        issued = _secs(c.today - timedelta(days=75)) + 11 * 3600
        uid, doc = _badge_json(c, course, UNKNOWN_EMAILS[2], issued, rng)
        name = f"{_slug(course.title)}-{uid[:8]}.json"
        docs.append((name, doc, issued))
        c.planted.append(
            f"Unknown learner in badges: {name} is issued to {UNKNOWN_EMAILS[2]} (hashed), who is not in the roster."
        )
    today_ts = _secs(c.today)
    expired = 0
    for name, doc, _ in docs:
        until = doc.get("validUntil") or doc.get("expires")
        if until and until < _iso_z(today_ts):
            expired += 1
        (d / name).write_text(json.dumps(doc, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    counts["badges/*.json"] = len(docs)
    c.planted.append(
        f"Expired credentials: {expired} of the {len(docs)} badge files have expires/validUntil before "
        f"{c.today.isoformat()}."
    )


# --------------------------------------------------------------------------------------
# Writers: SCORM Cloud
# --------------------------------------------------------------------------------------


def _write_scorm(c: Company, out: Path, counts: dict[str, int]) -> None:
    """A SCORM Cloud registrations export (API v2 RegistrationSchema)."""
    rng = _rng(c.seed, "scorm")
    cat, emps = c.catalog, c.employees
    by_email_until = _secs(_add_months(c.start, 9))  # the first integration used e-mails as learner ids
    regs: list[tuple[int, dict]] = []
    exported = _secs(c.today - timedelta(days=1)) + 7 * 3600

    def registration(
        e_id: str,
        first: str,
        last: str,
        course_id: str,
        title: str,
        start: int,
        end: int,
        status: str,
        score: float | None,
        hours: float,
    ) -> dict:
        created = start - rng.randrange(0, 3 * _DAY)
        r = {"id": _uuid(rng), "instance": 0, "xapiRegistrationId": _uuid(rng), "updated": _iso_ms(end + 30)}
        launched = status != "enrolled"
        if status in ("completed", "passed") or (status == "failed" and rng.random() < 0.7):
            completion, amount = "COMPLETED", 1.0
        elif launched:
            completion, amount = "INCOMPLETE", round(rng.uniform(0.1, 0.9), 2)
        else:
            completion, amount = "UNKNOWN", 0.0
        success = {"passed": "PASSED", "failed": "FAILED"}.get(status, "UNKNOWN")
        r["registrationCompletion"] = completion
        r["registrationCompletionAmount"] = amount
        r["registrationSuccess"] = success
        if score is not None:
            r["score"] = {"scaled": float(score)}
        r["totalSecondsTracked"] = round(hours * 3600 * amount * rng.uniform(0.7, 1.3), 1) if launched else 0.0
        if launched:
            r["firstAccessDate"] = _iso_ms(start + rng.random())
            r["lastAccessDate"] = _iso_ms(end + rng.random())
        if completion == "COMPLETED":
            r["completedDate"] = _iso_ms(end + rng.random())
        r["createdDate"] = _iso_ms(created + rng.random())
        r["course"] = {"id": course_id, "title": title, "version": 0}
        r["learner"] = {"id": e_id, "firstName": first, "lastName": last}
        return r

    for emp, ci, start, end, status, score in c.events:
        course = cat[ci]
        if course.channel != "scorm":
            continue
        e = emps[emp]
        learner = e.email if start < by_email_until else e.employee_id
        regs.append(
            (
                start,
                registration(
                    learner, e.first, e.last, course.alias, course.title, start, end, status, score, course.hours
                ),
            )
        )
    e = next((x for x in emps if x.leave is None and x.hire < c.start), emps[0])
    t = _secs(c.today - timedelta(days=150)) + 9 * 3600
    regs.append(
        (
            t,
            registration(
                e.employee_id,
                e.first,
                e.last,
                UNKNOWN_SCORM_COURSE,
                "Legacy Onboarding (retired)",
                t,
                t + 2 * 3600,
                "completed",
                None,
                1.0,
            ),
        )
    )
    c.planted.append(
        f"Unknown course: SCORM Cloud course id {UNKNOWN_SCORM_COURSE} (registration of "
        f"{e.employee_id}) is not in the catalog."
    )
    regs = [(t, r) for t, r in regs if t <= exported]
    regs.sort(key=lambda x: (x[0], x[1]["id"]))
    d = out / "scorm"
    d.mkdir(parents=True, exist_ok=True)
    name = f"registrations_export_{(c.today - timedelta(days=1)).isoformat()}.json"
    body = ",".join(json.dumps(r, ensure_ascii=False, separators=(",", ":")) for _, r in regs)
    (d / name).write_text('{"registrations":[' + body + "]}", encoding="utf-8")
    counts[f"scorm/{name}"] = len(regs)
    n_cf = sum(
        1 for _, r in regs if r["registrationCompletion"] == "COMPLETED" and r["registrationSuccess"] == "FAILED"
    )
    c.planted.append(f"SCORM registrations that are COMPLETED but FAILED: {n_cf} (their outcome is failed).")


# --------------------------------------------------------------------------------------
# Writers: provider CSVs
# --------------------------------------------------------------------------------------

LINKEDIN_HEADER = [
    "First Name",
    "Last Name",
    "Email",
    "Unique User ID",
    "Group",
    "Content Title",
    "Content ID",
    "Content Type",
    "Content Provider",
    "Percent Completed",
    "Completion Date (PST/PDT)",
    "Last Viewed (PST/PDT)",
    "Hours Viewed",
]
UDEMY_HEADER = [
    "User Email",
    "User Name",
    "User Surname",
    "User External ID",
    "Course ID",
    "Course Title",
    "Course Category",
    "% Completed",
    "Course First Accessed Date",
    "Course Last Accessed Date",
    "Completion Date",
    "Assigned",
]
CORNERSTONE_HEADER = [
    "User ID",
    "User Full Name",
    "User Email",
    "Training Title",
    "Training Type",
    "LO ID",
    "Transcript Status",
    "Registered Date",
    "Completion Date",
    "Score",
]


def _pt(ts: int) -> str:
    return _pacific(ts).strftime("%Y-%m-%d %H:%M:%S")


def _write_providers(c: Company, out: Path, counts: dict[str, int]) -> None:
    rng = _rng(c.seed, "providers")
    cat, emps = c.catalog, c.employees
    d = out / "providers"
    stamp = c.today - timedelta(days=1)
    cutoff = _secs(stamp) + 6 * 3600

    # LinkedIn Learning learner detail
    li_rows: list[list[str]] = []
    for emp, ci, start, end, status, _ in c.events:
        course = cat[ci]
        if course.channel != "linkedin" or start > cutoff:
            continue
        e = emps[emp]
        if status == "completed" and end <= cutoff:
            pct, done = 100, _pt(end)
            viewed = min(cutoff, end + rng.randrange(0, 20) * _DAY * (rng.random() < 0.3))
            last, hours = _pt(viewed), course.hours * 3600 * rng.uniform(0.8, 1.1)
        elif status == "enrolled":
            pct, done, last, hours = 0, "", "", 0.0
        else:
            pct = rng.randrange(3, 97)
            done, last, hours = "", _pt(min(end, cutoff)), course.hours * 3600 * pct / 100 * rng.uniform(0.8, 1.2)
        li_rows.append(
            [
                e.first,
                e.last,
                e.email,
                e.employee_id,
                c.team_name(e),
                course.title,
                course.alias,
                "Course",
                "LinkedIn",
                str(pct),
                done,
                last,
                _hms(hours),
            ]
        )
    li_courses = [x for x in cat if x.channel == "linkedin"]
    if li_courses:
        x = li_courses[3 % len(li_courses)]
        t = cutoff - 41 * _DAY + 3 * 3600
        li_rows.append(
            [
                "Jamie",
                "Whitfield",
                UNKNOWN_EMAILS[2],
                "",
                "",
                x.title,
                x.alias,
                "Course",
                "LinkedIn",
                "100",
                _pt(t),
                _pt(t),
                _hms(x.hours * 3600),
            ]
        )
        c.planted.append(f"Unknown learner in LinkedIn Learning: {UNKNOWN_EMAILS[2]} is not in the roster.")
    done_rows = [r for r in li_rows if r[10] and r[2] not in UNKNOWN_EMAILS]
    if done_rows:
        bad = done_rows[len(done_rows) // 2]
        bad[10] = f"{bad[10][:4]}-02-30 {bad[10][11:]}"
        c.planted.append(
            f"Malformed row: 'Completion Date (PST/PDT)' is '{bad[10]}' for {bad[2]} / {bad[6]} in the "
            "LinkedIn Learning CSV."
        )
    li_rows.sort(key=lambda r: (r[2], r[6]))
    name = f"linkedin_learning_learner_detail_{stamp:%Y%m%d}.csv"
    counts[f"providers/{name}"] = _write_csv(d / name, LINKEDIN_HEADER, li_rows)

    # Udemy Business course activity
    ud_rows: list[list[str]] = []
    for emp, ci, start, end, status, _ in c.events:
        course = cat[ci]
        if course.channel != "udemy" or start > cutoff:
            continue
        e = emps[emp]
        assigned = "true" if rng.random() < 0.25 else "false"
        if status == "enrolled":
            row = ["0", "", "", ""]
        elif status == "completed" and end <= cutoff:
            row = ["100", _iso_z(start), _iso_z(min(cutoff, end + rng.randrange(0, 3) * 3600)), _iso_z(end)]
        else:
            row = [str(rng.randrange(2, 98)), _iso_z(start), _iso_z(min(end, cutoff)), ""]
        ud_rows.append(
            [
                e.email,
                e.first,
                e.last,
                e.employee_id,
                course.alias,
                course.title,
                UDEMY_CATEGORIES[course.category],
                *row,
                assigned,
            ]
        )
    ud_courses = [x for x in cat if x.channel == "udemy"]
    if ud_courses:
        x = ud_courses[0]
        t = cutoff - 33 * _DAY
        ud_rows.append(
            [
                "temp.contractor07@example.com",
                "Casey",
                "Morgan",
                UNKNOWN_EXTERNAL_ID,
                x.alias,
                x.title,
                UDEMY_CATEGORIES[x.category],
                "64",
                _iso_z(t),
                _iso_z(t + 5 * _DAY),
                "",
                "false",
            ]
        )
        c.planted.append(
            f"Unknown learner in Udemy Business: User External ID {UNKNOWN_EXTERNAL_ID} is not in the roster."
        )
    ud_rows.sort(key=lambda r: (r[3], r[4]))
    name = f"udemy_business_course_activity_{stamp:%Y%m%d}.csv"
    counts[f"providers/{name}"] = _write_csv(d / name, UDEMY_HEADER, ud_rows)

    # Cornerstone transcript
    us = lambda ts: _dt(ts).strftime("%m/%d/%Y")  # noqa: E731
    cs_rows: list[list[str]] = []
    taken = set()
    for emp, ci, start, end, status, score in c.events:
        course = cat[ci]
        if course.channel != "cornerstone" or start > cutoff:
            continue
        e = emps[emp]
        taken.add((emp, ci))
        compliance = course.special.startswith("compliance")
        done = ""
        if status in ("completed", "passed"):
            word = "Completed Equivalent" if rng.random() < 0.01 else "Completed"
            done = us(end)
        elif status == "failed":
            word, done = "Failed", us(end)
        elif status == "in_progress":
            word = (
                ("In Progress / Past Due" if compliance else "In Progress")
                if rng.random() < 0.7
                else ("Past Due" if compliance else "Incomplete")
            )
        else:
            word = (
                "Registered / Past Due"
                if compliance
                else _pick(rng, [("Registered", 0.6), ("Approved", 0.25), ("Pending", 0.15)])
            )
        cs_rows.append(
            [
                e.employee_id,
                e.full_name,
                e.email,
                course.title,
                course.training_type,
                course.alias,
                word,
                us(start),
                done,
                "" if score is None or course.training_type != "Test" else f"{score:.0f}",
            ]
        )
    events_ilt = [ci for ci, x in enumerate(cat) if x.channel == "cornerstone" and x.training_type == "Event"]
    if events_ilt:
        withdrawn = 0
        for e in emps[len(emps) // 3 :]:
            if e.leave is None and (e.idx, events_ilt[0]) not in taken:
                x = cat[events_ilt[0]]
                t = cutoff - (60 + 30 * withdrawn) * _DAY
                cs_rows.append(
                    [e.employee_id, e.full_name, e.email, x.title, x.training_type, x.alias, "Withdrawn", us(t), "", ""]
                )
                c.planted.append(f"Cornerstone row with status 'Withdrawn': {e.employee_id} / '{x.title}'.")
                withdrawn += 1
                if withdrawn == 2:
                    break
    cs_rows.sort(key=lambda r: (r[0], r[5]))
    name = f"cornerstone_transcript_{stamp:%Y%m%d}.csv"
    counts[f"providers/{name}"] = _write_csv(d / name, CORNERSTONE_HEADER, cs_rows, newline="\r\n")


# --------------------------------------------------------------------------------------
# README and the public entry points
# --------------------------------------------------------------------------------------


def _readme(c: Company, counts: dict[str, int]) -> str:
    emps = c.employees
    active = sum(1 for e in emps if e.leave is None)
    leavers = len(emps) - active
    joiners = sum(1 for e in emps if e.hire >= c.start)
    learning = {k: v for k, v in counts.items() if not k.startswith("company/")}
    lines = [
        f"# Sample data: {COMPANY} (fictional)",
        "",
        f"Generated by `python -m sample.generator sample_data --scale {c.scale:g} --seed {c.seed}` "
        f"with today = {c.today.isoformat()}. The same arguments always give byte-identical files. "
        f"Every person, e-mail address (`@{DOMAIN}`), issuer and credential name here is invented.",
        "",
        "## The company",
        "",
        f"- {len(emps)} people in the roster: {active} current staff, {leavers} leavers (left between "
        f"{c.start.isoformat()} and {c.today.isoformat()}), {joiners} joined in that period.",
        f"- {len(DEPARTMENTS)} departments with {len(c.teams)} teams; each team has a Team Lead who manages it, "
        f"team leads report to a Department Head; the CEO and the department heads form the "
        f"'{EXEC_TEAM}' (department '{EXEC_DEPARTMENT}').",
        "- Teams sit in Boston and Austin (spend in USD), Dublin and Berlin (EUR) and London (GBP); "
        "budgets are in USD, `company/fx.csv` has monthly USD rates for EUR and GBP.",
        f"- {len(SKILLS)} skills in {len(CATEGORIES)} categories, {len(ROLE_REQUIREMENTS)} roles with requirements, "
        f"{len(c.catalog)} courses (Moodle, LinkedIn Learning, Udemy Business, Coursera via the LRS, cmi5 courses "
        "of the internal academy via the LRS, Cornerstone, SCORM Cloud, and certificates/badges from invented "
        "certification bodies).",
        f"- History from {c.start.isoformat()} to {c.today.isoformat()}: {sum(learning.values())} learning "
        f"records in the exports below, plus {len(c.assessments)} assessments. Teams differ a lot "
        "in how well they cover their role requirements, and learning on strategic-goal skills speeds up "
        "in the last year.",
        "",
        "## Files",
        "",
        "- `company/`: roster, skills, catalog (aliases = the ids each export uses), requirements, goals, "
        "spend, budgets, licences, fx, assessments.",
        f"- `moodle/`: legacy course completion reports (`completion-<shortname>-<UTC time>-comma_separated.csv`, "
        f"UTF-8, no BOM) and one report-builder export with a UTF-8 BOM (`course_completion_status.csv`, the "
        f"course named by its full title). Moodle times are wall-clock times in {MOODLE_TIME_ZONE} "
        f"(load with `tz={MOODLE_TIME_ZONE}`). Moodle user ids are not employee ids: match by e-mail.",
        "- `lrs/`: xAPI statements from the LRS (Coursera by `mbox`, later by `mbox_sha1sum`; internal cmi5 "
        "courses by `account` = employee id), as a StatementResult JSON and a JSON-lines file that overlap.",
        "- `badges/`: one Open Badges file per award (2.0 assertions and 3.0 OpenBadgeCredentials), recipients "
        "hashed with a salt (`sha256$` + sha256(e-mail + salt)); the BadgeClass / achievement id is a catalog alias.",
        "- `scorm/`: a SCORM Cloud registrations export (`score.scaled` is 0..100; learner.id is the e-mail for "
        "the first integration, the employee id later).",
        "- `providers/`: LinkedIn Learning learner detail (Pacific time), Udemy Business course activity (UTC) "
        "and a Cornerstone transcript (US dates, UTC).",
        "",
        "## Strategic goals (status intended by the generator)",
        "",
        "Targets are set from the generated history so that the status holds for a straight-line projection "
        "of either the last twelve months or the last 90 days to the deadline (the projection quoted is the "
        "less favourable one for the status):",
        "",
    ]
    for g in c.goals:
        lines.append(
            f"- {g['goal_id']} {g['name']}: **{g['intent']}** (share today {g['share_now']:.0%}, "
            f"a year ago {g['share_year_ago']:.0%}, projected {min(g['projected'], 1.0):.0%}; "
            f"{g['population']} people)."
        )
    lines += ["", "## Planted imperfections", ""]
    lines += [f"- {p}" for p in c.planted]
    lines += [
        "",
        "## Benchmark files",
        "",
        "`sample.generator.write_provider_csv(path, n_rows, seed=S, employees=M)` (LinkedIn Learning CSV) and "
        "`write_xapi_jsonl(path, n_rows, seed=S, employees=M)` (xAPI JSON lines) stream large files whose learners "
        "are the roster of `generate(out, scale=M / 1500, seed=S)` and whose courses are that catalog's LinkedIn "
        "Learning (CSV) or Coursera and cmi5 (xAPI) courses. They are not part of this folder.",
        "",
    ]
    return "\n".join(lines)


def build_company(scale: float = 1.0, seed: int = 7, today: date = DEFAULT_TODAY) -> Company:
    """The whole simulated company in memory (roster, catalog, history, goals, money)."""
    if scale <= 0:
        raise ValueError("scale must be positive")
    teams, employees = build_org(seed, scale, today)
    c = Company(seed, scale, today, _history_start(today), teams, employees, build_catalog(seed, today))
    _Simulator(c).run()
    _assessments(c)
    _build_goals(c)
    _build_fx(c)
    _build_money(c)
    return c


def generate(out_dir: Path, scale: float = 1.0, seed: int = 7, today: date = DEFAULT_TODAY) -> dict:
    """Write the whole sample folder under out_dir (replacing the generated sub-folders) and
    return counts per file (data rows, statements, registrations; badge files as one entry)."""
    out = Path(out_dir)
    c = build_company(scale, seed, today)
    out.mkdir(parents=True, exist_ok=True)
    for sub in ("company", "moodle", "lrs", "badges", "scorm", "providers"):
        if (out / sub).exists():
            shutil.rmtree(out / sub)
    counts: dict[str, int] = {}
    _write_company(c, out, counts)
    _write_moodle(c, out, counts)
    _write_lrs(c, out, counts)
    _write_badges(c, out, counts)
    _write_scorm(c, out, counts)
    _write_providers(c, out, counts)
    (out / "README.md").write_text(_readme(c, counts), encoding="utf-8")
    counts["learning_records"] = sum(v for k, v in counts.items() if not k.startswith("company/"))
    return counts


# --------------------------------------------------------------------------------------
# Benchmark files: streamed, plain string formatting
# --------------------------------------------------------------------------------------

_CHUNK = 20_000


def _bench_world(seed: int, employees: int, channels: tuple[str, ...]) -> tuple[list[Employee], list[Course], list]:
    """The roster and catalog courses that generate(scale=employees / 1500, seed=seed) writes."""
    teams, emps = build_org(seed, employees / BASE_EMPLOYEES, DEFAULT_TODAY)
    courses = [x for x in build_catalog(seed, DEFAULT_TODAY) if x.channel in channels]
    return emps, courses, teams


def _time_table(rng: random.Random, n: int) -> list[int]:
    """n sorted working-hour moments over the history (rows index into it: no per-row date maths)."""
    lo = _secs(_history_start(DEFAULT_TODAY))
    hi = _secs(DEFAULT_TODAY - timedelta(days=1))
    out = []
    for _ in range(n):
        day = lo + rng.randrange((hi - lo) // _DAY) * _DAY
        out.append(day + rng.randrange(7 * 3600, 19 * 3600))
    out.sort()
    return out


def write_provider_csv(path: Path, n_rows: int, seed: int = 1, employees: int = 50_000) -> int:
    """Stream a LinkedIn Learning learner-detail CSV of n_rows rows (constant memory in n_rows).

    Learners are the roster of ``generate(out, scale=employees / 1500, seed=seed)`` (row i belongs
    to roster entry i mod len(roster)); courses are that catalog's LinkedIn Learning courses, and
    an (e-mail, Content ID) pair repeats only when n_rows exceeds roster size x course count.
    Returns the number of rows written.
    """
    emps, courses, teams = _bench_world(seed, employees, ("linkedin",))
    rng = _rng(seed, "bench-linkedin")
    people = [
        ",".join(
            _csv_field(v)
            for v in (e.first, e.last, e.email, e.employee_id, EXEC_TEAM if e.team < 0 else teams[e.team].name)
        )
        + ","
        for e in emps
    ]
    items = [",".join(_csv_field(v) for v in (x.title, x.alias, "Course", "LinkedIn")) + "," for x in courses]
    hours = [x.hours for x in courses]
    stamps = [_pt(t) for t in _time_table(rng, 8192)]
    viewed = [_hms(s) for s in range(0, 40 * 3600, 97)]
    n_e, n_c, n_t, n_v = len(people), len(items), len(stamps), len(viewed)
    offset = [rng.randrange(n_c) for _ in range(n_e)]
    rnd = rng.random
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(",".join(LINKEDIN_HEADER) + "\n")
        buf: list[str] = []
        for i in range(n_rows):
            j = i % n_e
            k = (offset[j] + i // n_e) % n_c
            r = rnd()
            t = int(rnd() * n_t)
            if r < 0.62:
                last = stamps[min(n_t - 1, t + int(rnd() * 40))]
                buf.append(
                    f"{people[j]}{items[k]}100,{stamps[t]},{last},"
                    f"{viewed[min(n_v - 1, int(hours[k] * 37.1 * (0.8 + 0.3 * rnd())))]}\n"
                )
            elif r < 0.92:
                pct = 1 + int(rnd() * 98)
                buf.append(
                    f"{people[j]}{items[k]}{pct},,{stamps[t]},{viewed[min(n_v - 1, int(hours[k] * 0.371 * pct))]}\n"
                )
            else:
                buf.append(f"{people[j]}{items[k]}0,,,0:00:00\n")
            if len(buf) >= _CHUNK:
                f.write("".join(buf))
                buf.clear()
        f.write("".join(buf))
    return n_rows


def write_xapi_jsonl(path: Path, n_rows: int, seed: int = 1, employees: int = 50_000) -> int:
    """Stream n_rows xAPI statements as JSON lines (constant memory in n_rows).

    Actors are the roster of ``generate(out, scale=employees / 1500, seed=seed)`` (statement i
    belongs to roster entry i mod len(roster); each person is named by mbox, mbox_sha1sum or
    account = employee id); objects are that catalog's Coursera and cmi5 course IRIs.  Verbs are
    attempted / progressed / completed / passed / failed; statement ids are unique UUIDs.
    Returns the number of statements written.
    """
    emps, courses, _ = _bench_world(seed, employees, ("coursera", "cmi5"))
    rng = _rng(seed, "bench-xapi")
    dump = lambda o: json.dumps(o, ensure_ascii=False, separators=(",", ":"))  # noqa: E731
    actors = []
    for e in emps:
        r = rng.random()
        if r < 0.4:
            a = {"objectType": "Agent", "name": e.full_name, "mbox": f"mailto:{e.email}"}
        elif r < 0.75:
            a = {"objectType": "Agent", "mbox_sha1sum": hashlib.sha1(f"mailto:{e.email}".encode()).hexdigest()}
        else:
            a = {"objectType": "Agent", "account": {"homePage": ACADEMY_HOME, "name": e.employee_id}}
        actors.append('"actor":' + dump(a) + ',"verb":')
    objects = [
        ',"object":'
        + dump(
            {
                "objectType": "Activity",
                "id": x.alias,
                "definition": {"name": {"en-US": x.title}, "type": "http://adlnet.gov/expapi/activities/course"},
            }
        )
        for x in courses
    ]
    verbs = {w: dump(_verb(w)) for w in ("attempted", "progressed", "completed", "passed", "failed")}
    # Verb + result and timestamp + stored fragments are drawn once into tables; a row picks
    # one entry of each, so the loop does three random draws and one string join.
    verb_part, result_part = [], []
    for _ in range(8192):
        r = rng.random()
        dur = _duration(60 + rng.randrange(6 * 3600))
        if r < 0.3:
            verb, result = "attempted", ""
        elif r < 0.45:
            verb = "progressed"
            result = (
                f',"result":{{"completion":false,"extensions":{{"{CMI5_PROGRESS}":{rng.randrange(5, 100, 5)}}},'
                f'"duration":"{dur}"}}'
            )
        elif r < 0.75:
            verb, result = "completed", f',"result":{{"completion":true,"duration":"{dur}"}}'
        else:
            ok = r < 0.93
            sc = rng.randrange(70, 101) if ok else rng.randrange(20, 70)
            verb = "passed" if ok else "failed"
            result = (
                f',"result":{{"score":{{"scaled":{sc / 100:.2f},"raw":{sc},"min":0,"max":100}},'
                f'"success":{"true" if ok else "false"},"completion":true,"duration":"{dur}"}}'
            )
        verb_part.append(verbs[verb])
        result_part.append(result)
    stamps = [_iso_ms(t + rng.random()) for t in _time_table(rng, 8192)]
    tails = [
        f',"timestamp":"{stamps[k]}","stored":"{stamps[min(len(stamps) - 1, k + 1)]}","version":"1.0.3"}}\n'
        for k in range(len(stamps))
    ]
    head = f"{rng.getrandbits(32):08x}-{rng.getrandbits(16):04x}-4{rng.getrandbits(12):03x}-{0x8000 | rng.getrandbits(14):04x}-"
    n_e, n_c, n_t, n_v = len(actors), len(objects), len(tails), len(verb_part)
    rnd = rng.random
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as f:
        buf: list[str] = []
        for i in range(n_rows):
            v = int(rnd() * n_v)
            buf.append(
                f'{{"id":"{head}{i:012x}",{actors[i % n_e]}{verb_part[v]}{objects[int(rnd() * n_c)]}'
                f"{result_part[v]}{tails[int(rnd() * n_t)]}"
            )
            if len(buf) >= _CHUNK:
                f.write("".join(buf))
                buf.clear()
        f.write("".join(buf))
    return n_rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m sample.generator", description=f"Write the {COMPANY} sample exports into OUT_DIR."
    )
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--scale", type=float, default=1.0, help="company size relative to ~1,500 people")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--today", type=date.fromisoformat, default=DEFAULT_TODAY, help="the fixed 'today' of the history (YYYY-MM-DD)"
    )
    args = parser.parse_args(argv)
    counts = generate(args.out_dir, scale=args.scale, seed=args.seed, today=args.today)
    width = max(len(k) for k in counts)
    for k, v in counts.items():
        print(f"{k:<{width}}  {v:>8}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
