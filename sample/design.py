"""The static design of the demo company: who it is, its skills, the roles and what each
requires, its departments, teams and locations, its strategic goals and the learners and
courses that are planted as unknown in the exports.
"""

from __future__ import annotations

from datetime import date

COMPANY = "Alderbrook Analytics"
DOMAIN = "example.com"
DEFAULT_TODAY = date(2026, 11, 28)
#: Roster size at scale 1 (leavers included).
BASE_EMPLOYEES = 1500
#: The Moodle site's (and its exporting admins') time zone; Moodle dates carry no offset.
MOODLE_TIME_ZONE = "Europe/Dublin"


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
