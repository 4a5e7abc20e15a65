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

    python -m etl.sample_gen OUT_DIR [--scale N] [--seed S]

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
from functools import lru_cache
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
    "Software Engineer": [("Python", 3, 3), ("Automated Testing", 2, 2), ("Git", 2, 1), ("CI/CD", 2, 2),
                          ("Cloud Computing", 2, 2), ("Secure Coding", 2, 3), ("API Design", 2, 1)],
    "Senior Software Engineer": [("Python", 4, 3), ("System Design", 3, 3), ("Automated Testing", 3, 2),
                                 ("Secure Coding", 3, 3), ("Cloud Computing", 3, 2), ("Kubernetes", 2, 1),
                                 ("Coaching", 2, 1)],
    "Frontend Engineer": [("JavaScript", 3, 3), ("TypeScript", 3, 2), ("Automated Testing", 2, 2), ("Git", 2, 1),
                          ("Secure Coding", 2, 2)],
    "Cloud Engineer": [("AWS", 3, 3), ("Kubernetes", 3, 3), ("Terraform", 3, 2), ("Linux Administration", 3, 2),
                       ("Cloud Security", 2, 2), ("Cloud Computing", 3, 2)],
    "Site Reliability Engineer": [("Kubernetes", 3, 3), ("Linux Administration", 3, 2), ("Incident Response", 2, 2),
                                  ("Go", 2, 1), ("CI/CD", 3, 2), ("Cloud Computing", 3, 2)],
    "Data Analyst": [("SQL", 3, 3), ("Data Visualization", 3, 3), ("Statistics", 2, 2),
                     ("Business Intelligence", 2, 2), ("Communication", 2, 1)],
    "Data Engineer": [("SQL", 4, 3), ("Data Pipelines", 3, 3), ("Apache Spark", 3, 2), ("Python", 3, 2),
                      ("Data Modeling", 3, 2), ("Cloud Computing", 2, 1), ("Data Governance", 2, 1)],
    "Data Scientist": [("Machine Learning", 3, 3), ("Statistics", 4, 3), ("Python for Data Analysis", 3, 2),
                       ("SQL", 3, 2), ("Data Visualization", 2, 1), ("Communication", 2, 1)],
    "Security Analyst": [("Security Operations", 3, 3), ("Incident Response", 3, 3), ("Network Security", 2, 2),
                         ("Vulnerability Management", 3, 2), ("Security Compliance", 2, 1)],
    "Security Engineer": [("Cloud Security", 3, 3), ("Threat Modeling", 3, 2),
                          ("Identity and Access Management", 3, 3), ("Secure Coding", 3, 2), ("Cryptography", 2, 1),
                          ("Python", 2, 1)],
    "Product Manager": [("Product Discovery", 3, 3), ("Roadmapping", 3, 3), ("Agile Delivery", 3, 2),
                        ("Communication", 3, 2), ("Data Visualization", 2, 1), ("Strategic Thinking", 2, 1)],
    "UX Designer": [("Product Discovery", 3, 3), ("Communication", 3, 2), ("Agile Delivery", 2, 1),
                    ("Data Visualization", 2, 1)],
    "Sales Representative": [("Consultative Selling", 3, 3), ("Negotiation", 3, 2), ("CRM Administration", 2, 2),
                             ("Communication", 3, 2)],
    "Account Manager": [("Account Planning", 3, 3), ("Negotiation", 3, 2), ("Consultative Selling", 3, 2),
                        ("CRM Administration", 2, 1), ("Financial Analysis", 2, 1)],
    "Sales Engineer": [("Consultative Selling", 3, 3), ("Cloud Computing", 3, 2), ("API Design", 2, 1),
                       ("Communication", 3, 2)],
    "HR Partner": [("Employment Law", 3, 3), ("Coaching", 3, 2), ("Conflict Resolution", 3, 2),
                   ("Hiring and Interviewing", 3, 2), ("Change Management", 2, 1)],
    "Recruiter": [("Hiring and Interviewing", 4, 3), ("Communication", 3, 2), ("Negotiation", 2, 1),
                  ("Employment Law", 2, 2)],
    "Finance Analyst": [("Financial Analysis", 3, 3), ("Budgeting and Forecasting", 3, 3), ("SQL", 2, 1),
                        ("Business Intelligence", 2, 2), ("FinOps", 2, 1)],
    "Team Lead": [("People Management", 3, 3), ("Giving Feedback", 3, 2), ("Coaching", 3, 2), ("Delegation", 2, 1),
                  ("Hiring and Interviewing", 2, 1), ("Conflict Resolution", 2, 1)],
    "Department Head": [("Strategic Thinking", 4, 3), ("Change Management", 3, 2), ("Decision Making", 4, 3),
                        ("People Management", 4, 2), ("Budgeting and Forecasting", 3, 1)],
    "Chief Executive Officer": [("Strategic Thinking", 4, 3), ("Decision Making", 4, 3), ("Change Management", 3, 2),
                                ("Communication", 4, 2)],
}

#: team kind -> role mix of its members (the lead is added apart).
KIND_ROLES: dict[str, list[tuple[str, float]]] = {
    "backend": [("Software Engineer", .55), ("Senior Software Engineer", .35), ("Cloud Engineer", .10)],
    "web": [("Frontend Engineer", .45), ("Software Engineer", .30), ("Senior Software Engineer", .25)],
    "infra": [("Cloud Engineer", .50), ("Site Reliability Engineer", .25), ("Senior Software Engineer", .25)],
    "sre": [("Site Reliability Engineer", .60), ("Cloud Engineer", .25), ("Senior Software Engineer", .15)],
    "dataeng": [("Data Engineer", .70), ("Data Analyst", .15), ("Data Scientist", .15)],
    "analytics": [("Data Analyst", .70), ("Data Engineer", .15), ("Data Scientist", .15)],
    "ml": [("Data Scientist", .60), ("Data Engineer", .30), ("Data Analyst", .10)],
    "secops": [("Security Analyst", .70), ("Security Engineer", .30)],
    "appsec": [("Security Engineer", .70), ("Security Analyst", .30)],
    "product": [("Product Manager", .60), ("UX Designer", .25), ("Data Analyst", .15)],
    "design": [("UX Designer", .80), ("Frontend Engineer", .20)],
    "sales": [("Sales Representative", .80), ("Account Manager", .20)],
    "accounts": [("Account Manager", .80), ("Sales Representative", .20)],
    "saleseng": [("Sales Engineer", .85), ("Account Manager", .15)],
    "hr": [("HR Partner", .85), ("Recruiter", .15)],
    "recruit": [("Recruiter", .85), ("HR Partner", .15)],
    "finance": [("Finance Analyst", 1.0)],
}

#: (department, code, [(team, location, kind)]) - 40 teams at scale 1.
DEPARTMENTS: list[tuple[str, str, list[tuple[str, str, str]]]] = [
    ("Engineering", "ENG", [
        ("Platform", "Boston", "backend"), ("Payments", "Boston", "backend"), ("Checkout", "Austin", "web"),
        ("Mobile Apps", "Austin", "web"), ("Web Frontend", "Berlin", "web"), ("Search", "Berlin", "backend"),
        ("Integrations", "Dublin", "backend"), ("Developer Experience", "Dublin", "infra"),
        ("Core Services", "Boston", "backend"), ("Cloud Infrastructure", "Austin", "infra"),
        ("Site Reliability", "Dublin", "sre"), ("Identity", "London", "backend")]),
    ("Data", "DAT", [
        ("Analytics Engineering", "Boston", "dataeng"), ("Business Intelligence", "Austin", "analytics"),
        ("Data Platform", "Dublin", "dataeng"), ("Machine Learning", "Berlin", "ml"), ("Forecasting", "Boston", "ml"),
        ("Customer Insights", "London", "analytics"), ("Experimentation", "Austin", "analytics")]),
    ("Security", "SEC", [
        ("Security Operations", "Dublin", "secops"), ("Application Security", "Boston", "appsec"),
        ("Cloud Security", "Austin", "appsec"), ("Governance and Risk", "London", "secops")]),
    ("Product", "PRD", [
        ("Core Product", "Boston", "product"), ("Growth", "Austin", "product"), ("Design Systems", "Berlin", "design"),
        ("Platform Product", "Dublin", "product"), ("Mobile Product", "Austin", "product")]),
    ("Sales", "SAL", [
        ("Enterprise Sales NA", "Boston", "sales"), ("Enterprise Sales EMEA", "London", "sales"),
        ("Mid-Market", "Austin", "sales"), ("SMB Sales", "Austin", "sales"),
        ("Account Management NA", "Boston", "accounts"), ("Account Management EMEA", "Dublin", "accounts"),
        ("Sales Engineering", "Boston", "saleseng"), ("Partnerships", "Berlin", "accounts")]),
    ("People and Finance", "PNF", [
        ("People Partners", "Boston", "hr"), ("Talent Acquisition", "Dublin", "recruit"),
        ("Financial Planning", "Boston", "finance"), ("Accounting Operations", "Berlin", "finance")]),
]
#: The CEO and the department heads sit in their own small unit.
EXEC_DEPARTMENT = "Executive"
EXEC_TEAM = "Executive Office"

#: location -> currency its teams spend in.
LOCATIONS = {"Boston": "USD", "Austin": "USD", "Dublin": "EUR", "Berlin": "EUR", "London": "GBP"}

FIRST_NAMES = (
    "Ana", "Bo", "Chloe", "Daniel", "Elif", "Farah", "Gabriel", "Hannah", "Ikechukwu", "Jana", "Kenji", "Laura",
    "Mateo", "Nadia", "Oliver", "Priya", "Quentin", "Rosa", "Samuel", "Tanvi", "Umar", "Valentina", "William",
    "Ximena", "Yusuf", "Zoë", "Aisha", "Benjamin", "Carmen", "Dmitri", "Emma", "Felix", "Grace", "Hiroshi",
    "Isabel", "Jonas", "Kavya", "Liam", "Maya", "Noah", "Olga", "Pedro", "Rania", "Sofia", "Tomás", "Uma",
    "Victor", "Wen", "Yara", "Zain", "Amelia", "Björn", "Camille", "Diego", "Eva", "Fatima", "George", "Hugo",
    "Ines", "Jack", "Kofi", "Leila", "Marco", "Nina", "Oscar", "Paula", "Ravi", "Sara", "Thomas", "Ulrike",
    "Vera", "Xavier", "Yasmin", "Zara", "Alice", "Bruno", "Clara", "David", "Elena", "Finn", "Giulia", "Henrik",
    "Irene", "José", "Katarzyna", "Lucas", "Mei", "Nikolai", "Orla", "Pablo", "Ruth", "Siobhán", "Tariq",
    "Ursula", "Vikram", "Wanjiru", "Ada", "Caleb", "Dalia", "Ethan",
)
LAST_NAMES = (
    "Pérez", "Li", "Nguyen", "Okafor", "Schmidt", "Müller", "O'Connor", "Kowalski", "Haddad", "Tanaka", "Silva",
    "Johansson", "Rossi", "Dubois", "Murphy", "Kim", "Patel", "Garcia", "Novak", "Andersen", "Ivanova", "Costa",
    "Mensah", "Yilmaz", "Fischer", "Brennan", "Walsh", "Chen", "Sato", "Moreau", "Jansen", "Byrne", "Lopez",
    "Kaur", "Ahmed", "Hughes", "Bianchi", "Lindqvist", "Horvat", "Santos", "Wagner", "Popescu", "Suzuki", "Reyes",
    "Nowak", "Fernandes", "Kelly", "Larsen", "Romano", "Weber", "Gallagher", "Das", "Mwangi", "Kovac", "Petrov",
    "Sousa", "Becker", "Doyle", "Hansen", "Morales", "Ito", "Chaudhry", "Nilsson", "Ricci", "Martin", "Lambert",
    "Van Dijk", "Smith-Jones", "Quinn", "Farouk", "Adeyemi", "Zhang", "Wong", "Herrera", "Vogel", "Lynch",
    "Berg", "Conti", "Rahman", "Ortiz", "Keller", "Nakamura", "Duarte", "Svensson", "Greco", "Sharma", "Baker",
    "Hoffmann", "Ferrari", "Flynn", "Castillo", "Eriksen", "Wójcik", "Marchetti", "Iyer", "Banda", "Richter",
    "Molina", "Takahashi", "Carvalho", "Jovanovic", "Kruger", "Obi", "Dalton", "Sorensen", "Mendes", "Abbasi",
    "Lindberg", "Vidal", "Boateng", "Aydin", "Hartmann", "Cruz", "Friedman", "Nolan", "Haas", "Rocha", "Nair",
)

# Catalog channels: which export carries a course's records.
CHANNEL_PROVIDER = {
    "moodle": "Moodle", "linkedin": "LinkedIn Learning", "udemy": "Udemy Business", "coursera": "Coursera",
    "cmi5": "Alderbrook Academy (cmi5)", "cornerstone": "Cornerstone", "scorm": "SCORM Cloud",
}
#: Platforms bought per seat; others are open to everyone.
LICENSED = ("linkedin", "udemy", "coursera")
#: Channels whose exports keep one row per learner and course (a retake overwrites it).
SINGLE_ROW = ("moodle", "linkedin", "udemy", "cornerstone")

#: Generated (non-special) courses per channel.
CHANNEL_SLOTS = {"moodle": 28, "linkedin": 34, "udemy": 22, "coursera": 14, "cmi5": 6, "cornerstone": 11, "scorm": 13}
#: category -> channel affinity used when placing generated courses.
CHANNEL_AFFINITY = {
    "Cloud": {"moodle": .5, "linkedin": 1, "udemy": 1.5, "coursera": 1, "cmi5": 1.2, "cornerstone": .3, "scorm": .5},
    "Data": {"moodle": .6, "linkedin": 1, "udemy": 1.2, "coursera": 1.5, "cmi5": .4, "cornerstone": .3, "scorm": .4},
    "Software": {"moodle": .7, "linkedin": 1, "udemy": 1.6, "coursera": .6, "cmi5": .6, "cornerstone": .2,
                 "scorm": .6},
    "Security": {"moodle": 1.2, "linkedin": .8, "udemy": .6, "coursera": .5, "cmi5": 1.2, "cornerstone": .8,
                 "scorm": 1.6},
    "Leadership": {"moodle": 1.3, "linkedin": 1.2, "udemy": .3, "coursera": .8, "cmi5": .2, "cornerstone": 1.6,
                   "scorm": .6},
    "Business": {"moodle": 1.0, "linkedin": 1.2, "udemy": .4, "coursera": .9, "cmi5": .2, "cornerstone": 1.4,
                 "scorm": .8},
}
TITLE_TEMPLATES = {
    "moodle": {1: "{s} Basics", 2: "{s} 101", 3: "{s} 201: In Practice", 4: "{s} 301: Advanced Topics",
               5: "{s} 401: Expert Clinic"},
    "linkedin": {1: "{s} Quick Start", 2: "{s} Essential Training", 3: "{s}: Putting It into Practice",
                 4: "Advanced {s}", 5: "Mastering {s}"},
    "udemy": {1: "{s} Crash Course", 2: "{s} for Beginners: A Complete Guide", 3: "Hands-On {s}: Real-World Projects",
              4: "{s} Masterclass", 5: "{s} Expert Bootcamp"},
    "coursera": {1: "Introduction to {s}", 2: "Foundations of {s}", 3: "Applied {s}", 4: "{s} Capstone Project",
                 5: "{s} Research Seminar"},
    "cmi5": {1: "{s} Lab: Orientation", 2: "{s} Lab: Getting Started", 3: "{s} Lab: Hands-On Scenarios",
             4: "{s} Lab: Advanced Scenarios", 5: "{s} Lab: Expert Challenges"},
    "cornerstone": {1: "{s} Briefing", 2: "{s} Workshop", 3: "{s} Intensive", 4: "{s} Leadership Programme",
                    5: "{s} Executive Programme"},
    "scorm": {1: "{s} Awareness Module", 2: "{s} eLearning Module", 3: "{s} Scenario Simulation",
              4: "{s} Advanced Simulation", 5: "{s} Expert Simulation"},
}
MOODLE_CODES = {"Cloud": "cld", "Data": "dat", "Software": "swe", "Security": "sec", "Leadership": "lead",
                "Business": "biz"}
UDEMY_CATEGORIES = {"Cloud": "IT & Software", "Data": "Development", "Software": "Development",
                    "Security": "IT & Software", "Leadership": "Business", "Business": "Business"}

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
    ("Nimbus Certified Cloud Practitioner", "Nimbus Cloud Institute", "certificate",
     [("Cloud Computing", 2), ("AWS", 2)], 36, 100.0, 15),
    ("Nimbus Certified Solutions Architect - Associate", "Nimbus Cloud Institute", "certificate",
     [("AWS", 3), ("Cloud Computing", 3)], 36, 150.0, 40),
    ("Nimbus Certified Solutions Architect - Professional", "Nimbus Cloud Institute", "certificate",
     [("AWS", 4), ("Cloud Computing", 4)], 24, 300.0, 80),
    ("Stratus Certified Cloud Administrator", "Stratus Academy", "certificate",
     [("Azure", 3), ("Cloud Computing", 3)], 12, 165.0, 35),
    ("Certified Kubeforge Administrator", "Kubeforge Foundation", "certificate",
     [("Kubernetes", 4), ("Linux Administration", 3)], 24, 395.0, 60),
    ("Certified Kubeforge Application Developer", "Kubeforge Foundation", "certificate",
     [("Kubernetes", 3), ("Docker", 3)], 24, 395.0, 45),
    ("Cipher Certified Security Practitioner", "Cipher Security Council", "certificate",
     [("Security Operations", 3), ("Network Security", 3)], 36, 249.0, 50),
    ("Cipher Certified Cloud Security Professional", "Cipher Security Council", "certificate",
     [("Cloud Security", 4), ("Identity and Access Management", 3)], 36, 599.0, 80),
    ("Cipher Certified Incident Handler", "Cipher Security Council", "certificate",
     [("Incident Response", 3)], 36, 349.0, 40),
    ("DataGuild Certified Data Engineer", "DataGuild", "certificate",
     [("Data Pipelines", 3), ("SQL", 3)], 24, 200.0, 45),
    ("Scrumwise Professional Scrum Master", "Scrumwise Guild", "certificate",
     [("Agile Delivery", 3)], 24, 150.0, 16),
    ("Cloud Cost Champion", "Alderbrook Academy", "badge", [("FinOps", 3)], None, 0.0, 8),
    ("Secure Coding Champion", "Alderbrook Academy", "badge",
     [("Secure Coding", 3), ("Threat Modeling", 2)], 12, 0.0, 10),
    ("Data Storyteller", "Alderbrook Academy", "badge", [("Data Visualization", 3), ("Communication", 2)],
     None, 0.0, 8),
    ("Inclusive Leader", "Alderbrook Academy", "badge", [("People Management", 3), ("Coaching", 2)], None, 0.0, 12),
]
#: Extra generated (skill, level) ladders on top of levels 2 and 3 for every skill.
EXTRA_LEVELS = [("Python", 5), ("SQL", 4), ("Statistics", 4), ("Hiring and Interviewing", 4),
                ("Strategic Thinking", 4), ("Decision Making", 4), ("People Management", 4), ("Communication", 4)]

#: Strategic goals: (skill, min level, scope, roles, deadline month/day offset, intended status,
#: push probability, growth).  The target share is set from the simulated history so that the
#: intended status holds under a linear projection of the last twelve months.
GOAL_SPECS = [
    ("Cloud Computing", 3, "Engineering", [], (6, 30), "on track", .45, 4.0),
    ("Secure Coding", 3, "Engineering", ["Software Engineer", "Senior Software Engineer"], (3, 31), "on track",
     .50, 4.0),
    ("Machine Learning", 3, "Data", ["Data Scientist", "Data Engineer"], (12, 31), "off track", .04, 0.0),
    ("Kubernetes", 4, "company", ["Cloud Engineer", "Site Reliability Engineer"], (6, 30), "off track", .03, 0.0),
    ("People Management", 3, "company", ["Team Lead"], (12, 31), "on track", .50, 4.0),
    ("Consultative Selling", 3, "Sales", [], (3, 31), "off track", .0, 0.0),
    ("Incident Response", 3, "Security", [], (9, 30), "achieved", .75, -0.6),
]
#: Skills of off-track goals: few people take their courses (that is why they are off track).
DAMPED_SKILLS = {"Machine Learning": .3, "Kubernetes": .35, "Consultative Selling": .3}

#: E-mails / ids that are not in the roster (planted unknown learners).
UNKNOWN_EMAILS = ("r.achterberg@example.com", "temp.contractor07@example.com", "j.whitfield@partner.example")
UNKNOWN_EXTERNAL_ID = "CTR-0117"
UNKNOWN_XAPI_COURSE = "https://www.coursera.org/learn/quantum-computing-primer"
UNKNOWN_SCORM_COURSE = "scorm_legacy_onboarding_v1"

_EPOCH_ORD = date(1970, 1, 1).toordinal()
_DAY = 86400
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")

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


@lru_cache(maxsize=None)
def _nth_sunday(year: int, month: int, n: int) -> date:
    first = date(year, month, 1)
    return first + timedelta(days=(6 - first.weekday()) % 7 + 7 * (n - 1))


@lru_cache(maxsize=None)
def _last_sunday(year: int, month: int) -> date:
    last = _add_months(date(year, month, 1), 1) - timedelta(days=1)
    return last - timedelta(days=(last.weekday() - 6) % 7)


@lru_cache(maxsize=None)
def _us_dst(year: int) -> tuple[int, int]:
    """US daylight time in UTC seconds: 2nd Sunday of March 10:00 UTC .. 1st Sunday of November 09:00 UTC."""
    return _secs(_nth_sunday(year, 3, 2)) + 10 * 3600, _secs(_nth_sunday(year, 11, 1)) + 9 * 3600


@lru_cache(maxsize=None)
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
    ms = int(round((ts - whole) * 1000)) % 1000
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


def _write_csv(path: Path, header: list[str], rows: list[list], *, bom: bool = False,
               newline: str = "\n") -> int:
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
    channel: str            # moodle | linkedin | udemy | coursera | cmi5 | cornerstone | scorm | badge
    hours: float
    price: float | None     # None: included in a licence
    currency: str
    credential_type: str    # course | certificate | badge | assessment
    validity_months: int | None
    skills: list[tuple[str, int]]
    alias: str              # the id the channel's export names the course by
    graded: bool
    popularity: float
    category: str
    special: str = ""       # onboarding | compliance | ""
    training_type: str = ""  # Cornerstone
    issuer: str = ""
    activity: str = ""      # Moodle activity name


@dataclass
class Team:
    name: str
    department: str
    location: str
    kind: str
    cost_center: str
    propensity: float       # how seriously the team closes its gaps (0..1)
    lead: int = -1


@dataclass
class Employee:
    idx: int
    employee_id: str
    first: str
    last: str
    email: str
    role: str
    team: int               # index into teams; -1 = Executive Office
    manager: int            # index of the manager; -1 = none
    location: str
    hire: date
    leave: date | None
    platform: str           # the licensed platform this person uses, or ""
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
    for i in order:
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
        extra = 2 if r < .15 else 1 if r < .6 else 0
        pool = [s for s in skills_by_cat[cat] if s != skill]
        for s2 in rng.sample(pool, extra):
            skills.append((s2, max(1, level - 1 - (rng.random() < .3))))
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
            graded = rng.random() < .6
        elif ch == "cmi5":
            alias = f"{ACADEMY_HOME}/xapi/activities/{_slug(title)}"
            graded = True
        elif ch == "cornerstone":
            alias = _uuid(rng)
            training_type = _pick(rng, [("Online Class", .45), ("Event", .3), ("External Training", .15),
                                        ("Curriculum", .1)])
            if training_type in ("Event", "External Training"):
                price = float(rng.randrange(350, 1450, 50))
                currency = "EUR" if rng.random() < .3 else "USD"
        elif ch == "scorm":
            alias = f"{_slug(title, '_')}_v{rng.randint(1, 4)}"
            graded = rng.random() < .8
            price = float(rng.randrange(1500, 6500, 250))
        else:  # moodle
            alias = moodle_shortname(cat, level)
            graded = rng.random() < .5
            activity = rng.choice(("Final quiz", "Knowledge check")) if graded else \
                rng.choice(("Reflection journal", "Course feedback", "Practical assignment"))
        courses.append(Course("", title, CHANNEL_PROVIDER[ch], ch, hours_for(level), price, currency, "course",
                              None, skills, alias, graded, math.exp(rng.gauss(0, .7)), cat,
                              training_type=training_type, activity=activity))

    # Specials: onboarding, three yearly compliance campaigns, skill assessments.
    courses.append(Course("", "Welcome to Alderbrook", "Moodle", "moodle", 3.0, 0.0, "USD", "course", None,
                          [("Communication", 1), ("Security Compliance", 1)], "onb-101", False, 0.0, "Leadership",
                          special="onboarding", activity="Orientation checklist"))
    courses.append(Course("", "SQL Skills Assessment", "Moodle", "moodle", 1.5, 0.0, "USD", "assessment", None,
                          [("SQL", 3)], "dat-assess-1", True, 1.2, "Data", activity="Assessment quiz"))
    courses.append(Course("", "Python Skills Assessment", "SCORM Cloud", "scorm", 1.5, 1200.0, "USD",
                          "assessment", None, [("Python", 3)], "python_skills_assessment_v3", True, 1.2,
                          "Software"))
    courses.append(Course("", "Negotiation Skills Assessment", "Cornerstone", "cornerstone", 1.0, 0.0, "USD",
                          "assessment", None, [("Negotiation", 3)], _uuid(rng), True, 1.0, "Business",
                          training_type="Test"))
    for k in range(3):
        courses.append(Course("", f"Information Security Awareness {today.year - 2 + k}", "Cornerstone", "cornerstone", 1.0,
                              0.0, "USD", "course", 12, [("Security Compliance", 1)], _uuid(rng), False, 0.0,
                              "Security", special=f"compliance{k}", training_type="Online Class"))

    for title, issuer, ctype, skills, validity, price, hours in CREDENTIALS:
        domain, _ = ISSUERS[issuer]
        path = "achievements" if ISSUERS[issuer][1] != "2" else "badgeclasses"
        alias = f"https://{domain}/{path}/{_slug(title)}"
        courses.append(Course("", title, issuer, "badge", float(hours), price, "USD", ctype, validity, list(skills),
                              alias, True, math.exp(rng.gauss(0, .5)) * .6, SKILL_CATEGORY[skills[0][0]],
                              issuer=issuer))

    skill_order = {s: i for i, (s, _, _) in enumerate(SKILLS)}
    courses.sort(key=lambda c: (skill_order[c.skills[0][0]], c.skills[0][1], c.channel, c.title))
    for n, c in enumerate(courses, 1):
        c.course_id = f"CRS{n:04d}"
    assert len(courses) == 150, len(courses)
    assert len({c.alias.lower() for c in courses}) == len(courses)
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
            teams.append(Team(name if cycle == 0 else f"{name} {cycle + 1}", dept, loc, kind,
                              f"CC-{code}-{k + 1:03d}", 0.0))
    spread = [.12 + .78 * i / max(1, len(teams) - 1) for i in range(len(teams))]
    rng.shuffle(spread)
    for t, p in zip(teams, spread):
        t.propensity = p

    total = max(len(teams) * 4 + 7, round(BASE_EMPLOYEES * scale))
    n_members = total - 7 - len(teams)
    weights = [rng.uniform(.55, 1.45) for _ in teams]
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
        people.append({"role": role, "team": team, "manager": manager, "hire": hire, "leave": None,
                       "location": location, "first": rng.choice(FIRST_NAMES), "last": rng.choice(LAST_NAMES)})
        return len(people) - 1

    ceo = person("Chief Executive Officer", -1, -1, hire_between(date(2015, 1, 5), date(2015, 6, 1)), "Boston")
    heads = {}
    for dept, _, templates in DEPARTMENTS:
        heads[dept] = person("Department Head", -1, ceo, hire_between(date(2015, 1, 5), date(2018, 12, 31)),
                             templates[0][1])
    early = start - timedelta(days=1)
    for ti, t in enumerate(teams):
        t.lead = person("Team Lead", ti, heads[t.department], hire_between(date(2015, 1, 5), date(2021, 12, 31)),
                        t.location)
        mix = KIND_ROLES[t.kind]
        for _ in range(sizes[ti]):
            joiner = rng.random() < .26
            hire = hire_between(start, today - timedelta(days=10)) if joiner else \
                hire_between(date(2015, 1, 5), early)
            loc = t.location if rng.random() < .9 else rng.choice(sorted(LOCATIONS))
            person(_pick(rng, mix), ti, t.lead, min(hire, today - timedelta(days=3)), loc)

    # Leavers: about 8% of the roster left during the three years of history.
    leaders = {ceo, *heads.values(), *(t.lead for t in teams)}
    candidates = [i for i, p in enumerate(people) if i not in leaders and p["hire"] <= today - timedelta(days=120)]
    for i in rng.sample(candidates, min(len(candidates), round(len(people) * .08))):
        p = people[i]
        lo = max(p["hire"] + timedelta(days=90), start)
        hi = today - timedelta(days=5)
        d = lo + timedelta(days=rng.randrange(max(1, (hi - lo).days)))
        p["leave"] = d - timedelta(days=max(0, d.weekday() - 4))  # last day on a weekday

    # Platforms: who uses which licensed library (drives seats and provider exports).
    platform_mix = {
        "eng": [("linkedin", .30), ("udemy", .35), ("coursera", .07), ("", .28)],
        "data": [("linkedin", .30), ("udemy", .15), ("coursera", .30), ("", .25)],
        "sec": [("linkedin", .35), ("udemy", .20), ("coursera", .10), ("", .35)],
        "prod": [("linkedin", .45), ("udemy", .05), ("coursera", .15), ("", .35)],
        "biz": [("linkedin", .45), ("coursera", .05), ("", .50)],
        "lead": [("linkedin", .60), ("coursera", .10), ("", .30)],
    }
    dept_group = {"Engineering": "eng", "Data": "data", "Security": "sec", "Product": "prod", "Sales": "biz",
                  "People and Finance": "biz"}

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
        employees.append(Employee(new, f"E{new + 1:05d}", p["first"], p["last"], email, p["role"],
                                  p["team"], new_index[p["manager"]] if p["manager"] >= 0 else -1, p["location"],
                                  p["hire"], p["leave"], _pick(rng, platform_mix[group]), moodle_id))
    for t in teams:
        t.lead = new_index[t.lead]
    return teams, employees


def _cost_center(company: Company, e: Employee) -> str:
    return "CC-EXE-001" if e.team < 0 else company.teams[e.team].cost_center
