"""The in-memory model of the company: courses, teams, employees and the company with its
learning events, assessments, goals and money.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sample.design import EXEC_DEPARTMENT, EXEC_TEAM, LOCATIONS


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
