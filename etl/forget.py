"""Erase one person's personal data from every table of the warehouse.

Who: an employee id, or an e-mail address (also of someone the roster does not hold,
whom exports named anyway).

What goes, in one transaction:

- their roster row, learning records, assessments, evidence, skill-level spans and the courses
  assigned to them (by id);
- the link from spend lines to them (the money stays, unattributed);
- every rejected row that identifies them in any form an export uses: the id (a number of
  one or two digits only quoted or ending a path) or the e-mail in any case (also in an xAPI
  ``openid`` or ``account``, or URL-encoded), the name as "First Last" or "Last, First" in any case, with or without accents and in any
  Unicode form (NFC or NFD), the SHA-1 of ``mailto:`` + the e-mail in any case (xAPI
  ``mbox_sha1sum``), and the salted SHA-256/MD5 of Open Badges recipients;
- the same forms in any other text the warehouse keeps (a spend line's description, a
  goal's owner, a file name in the import history): replaced by ``(erased)``. Other
  people's roster rows are left as they are, and in their learning records only the forms
  no namesake shares are looked for (a namesake keeps their name and their record ids).
  A rejected row that names someone with the same name is erased too.

An erasure is recorded with its time and the number of rows removed or changed, never
whom. The bytes on disk are the caller's part: DuckDB keeps deleted rows in the file's
free blocks until it is rewritten, and published snapshots hold them whole, so the
command line rewrites the file and republishes (``warehouse.rewrite_and_publish``).
"""

from __future__ import annotations

import hashlib
import itertools
import re
import unicodedata
from dataclasses import dataclass, field

import duckdb

from warehouse import now_utc, scalar

#: How text is compared in SQL: composed, lower-case, without accents.
FOLD = "strip_accents(lower(nfc_normalize({})))"
#: What replaces the erased person in free text.
ERASED = "(erased)"
#: Up to this many letters in an e-mail address, every case of it is hashed (2**18 SHA-1s);
#: beyond, the cases the warehouse holds and the usual ones.
ALL_CASES_UP_TO = 18
#: Tables whose rows are the people themselves (handled by id, never by name: a namesake
#: keeps their row) or that hold no personal text.
NOT_SWEPT = {"employees", "erasures", "schema_migrations", "settings"}
#: Tables of each person's own records: the erased person's rows go by id; in everyone else's,
#: only the forms no namesake shares (id, e-mail, hashes) are looked for, never the name.
PEOPLES_RECORDS = {"completion_records", "evidence", "skill_level_spans", "assessments", "assignments"}


class UnknownEmployee(Exception):
    """Nobody with that id or e-mail is in the warehouse; the message says so in one sentence."""


@dataclass
class Person:
    """Whom to erase: an employee id (when the roster holds them), their e-mail addresses, their name."""

    employee_id: str | None
    emails: set[str] = field(default_factory=set)
    name: str | None = None


def identify(con: duckdb.DuckDBPyConnection, who: str) -> Person:
    """The person an employee id or an e-mail address names."""
    who = (who or "").strip()
    rows = con.execute("select employee_id, email, full_name from employees where employee_id = ?", [who]).fetchall()
    if not rows and "@" in who:
        rows = con.execute(
            "select employee_id, email, full_name from employees where lower(trim(email)) = lower(?)", [who]
        ).fetchall()
    if len(rows) > 1:
        raise UnknownEmployee("More than one employee has that e-mail address; name the one to erase by employee id.")
    if rows:
        emp, email, name = rows[0]
        emails = {e.strip() for e in (email, who if "@" in who else None) if e and e.strip()}
        return Person(emp, emails, (name or "").strip() or None)
    if "@" in who:
        return Person(None, {who})
    raise UnknownEmployee(f"There is no employee with id {who} in the warehouse.")


# ---------------------------------------------------------------- the forms that name a person


def _python_fold(text: str) -> tuple[str, list[int]]:
    """Text as SQL's FOLD compares it, and for each folded character the index of the original one."""
    out: list[str] = []
    where: list[int] = []
    for i, ch in enumerate(text):
        for d in unicodedata.normalize("NFKD", ch).lower():
            if not unicodedata.combining(d):
                out.append(d)
                where.append(i)
    return "".join(out), where


def _tokens(name: str) -> list[str]:
    return [t for t in re.split(r"[\W_]+", _python_fold(name)[0]) if t]


@dataclass
class Forms:
    """The folded values that identify the person, by kind (each kind has its own word boundaries)."""

    ids: list[str]
    short_ids: list[str]  # ids like '7': only quoted or ending a path, as a reason, a JSON value or an openid does
    emails: list[str]
    names: list[list[str]]  # each a sequence of name tokens, in one order
    hashes: list[str]

    def without_names(self) -> Forms:
        return Forms(self.ids, self.short_ids, self.emails, [], self.hashes)

    def empty(self) -> bool:
        return not (self.ids or self.short_ids or self.emails or self.names or self.hashes)

    def pattern(self, dialect: str) -> str:
        """One regular expression over folded text: 're' (Python, for redacting) or 're2' (DuckDB, for finding)."""
        if self.empty():
            raise ValueError("a person with no form would match everything")
        python = dialect == "re"

        def lit(s: str) -> str:
            if python:
                return re.escape(s)
            return "".join(c if c.isascii() and c.isalnum() else f"\\x{{{ord(c):x}}}" for c in s)

        def bounded(body: str, chars: str) -> str:
            """`body` with none of `chars` (a character class's inside) right before or after it. Python
            looks around; RE2 has no look-around, so it takes the boundary characters into the match."""
            if python:
                return f"(?<![{chars}])(?:{body})(?![{chars}])"
            return f"(?:^|[^{chars}])(?:{body})(?:$|[^{chars}])"

        word = "[^a-z0-9]"
        alts = []
        if self.ids:
            alts.append(bounded("|".join(map(lit, self.ids)), "a-z0-9"))
        if self.short_ids:
            body = "|".join(map(lit, self.short_ids))
            after = "(?:$|['\"/?#&])" if not python else "(?=$|['\"/?#&])"
            alts.append(f"{'(?<=' if python else '(?:'}['\"/:=]){body}{after}")
        if self.emails:
            body = "|".join(map(lit, self.emails))
            # an address ends where no letter, digit, dot or hyphen follows (a full stop may end the sentence)
            if python:
                alts.append(f"(?<![a-z0-9._%+\\-])(?:{body})(?![a-z0-9\\-])(?!\\.[a-z0-9\\-])")
            else:
                alts.append(f"(?:^|[^a-z0-9._%+\\-])(?:{body})(?:$|[^a-z0-9.\\-]|\\.(?:$|[^a-z0-9\\-]))")
        if self.names:
            body = "|".join(f"{word}{{1,4}}".join(map(lit, tokens)) for tokens in self.names)
            alts.append(bounded(body, "a-z0-9"))
        if self.hashes:
            alts.append(bounded("|".join(map(lit, self.hashes)), "0-9a-f"))
        return "|".join(alts)


def _every_case(text: str) -> set[str]:
    letters = [i for i, c in enumerate(text) if c.isalpha()]
    forms = set()
    base = list(text.lower())
    for upper in itertools.product((False, True), repeat=len(letters)):
        chars = base[:]
        for i, up in zip(letters, upper, strict=True):
            if up:
                chars[i] = chars[i].upper()
        forms.add("".join(chars))
    return forms


def _case_forms(email: str, seen: set[str]) -> set[str]:
    """The e-mail in every case; for a long address, its local part in every case at the domain in
    the usual cases. And every case in which the warehouse holds it."""
    if sum(c.isalpha() for c in email) <= ALL_CASES_UP_TO:
        return _every_case(email) | seen
    local, _, domain = email.partition("@")
    domains = {domain, domain.lower(), domain.upper(), ".".join(p.capitalize() for p in domain.lower().split("."))}
    if sum(c.isalpha() for c in local) <= ALL_CASES_UP_TO:
        locals_ = _every_case(local)
    else:
        locals_ = {local, local.lower(), local.upper(), ".".join(p.capitalize() for p in local.lower().split("."))}
    return {f"{x}@{d}" for x in locals_ for d in domains} | seen


def _hashes_held(con: duckdb.DuckDBPyConnection) -> set[str]:
    """Every run of 32 or more hexadecimal digits in the rejected rows (where exports' hashed ids land)."""
    rows = con.execute(
        "select distinct h from (select unnest(regexp_extract_all(lower(coalesce(raw, '') || ' ' || reason), "
        "'[0-9a-f]{32,}')) as h from rejected_rows)"
    ).fetchall()
    return {r[0] for r in rows}


def _salts(con: duckdb.DuckDBPyConnection) -> set[str]:
    rows = con.execute(
        'select distinct regexp_extract(raw, \'"salt"\\s*:\\s*"([^"]*)"\', 1) from rejected_rows '
        "where raw like '%\"salt\"%' union select distinct regexp_extract(reason, '\\(salt ''([^'']*)''\\)', 1) "
        "from rejected_rows where reason like '%(salt %'"
    ).fetchall()
    return {r[0] for r in rows if r[0]}


def forms_of(con: duckdb.DuckDBPyConnection, person: Person) -> Forms:
    """Every form under which the warehouse may hold the person."""
    emp = _python_fold(person.employee_id)[0].strip() if person.employee_id else ""
    distinct = len(emp) >= 3 or (len(emp) == 2 and not emp.isdigit())  # 'E4' is, '7' or '42' is not
    ids = [emp] if emp and distinct else []
    short_ids = [emp] if emp and not distinct else []
    emails = sorted({_python_fold(e)[0] for e in person.emails})
    emails += [e.replace("@", "%40") for e in emails]
    names = []
    tokens = _tokens(person.name or "")
    if len(tokens) > 1 or (tokens and len(tokens[0]) >= 4):  # a short single name would match too much
        # "First Last", and each rotation: "Last, First", "van der Berg, Anna Maria"
        names = [tokens[k:] + tokens[:k] for k in range(len(tokens))]
    held = _hashes_held(con)
    hashes: set[str] = set()
    if held:
        seen: set[str] = set()
        for e in person.emails:
            rx = "(?i)" + "".join(c if c.isalnum() else f"\\x{{{ord(c):x}}}" for c in e)
            for (found,) in con.execute(
                "select distinct unnest(regexp_extract_all(coalesce(raw, '') || ' ' || reason, ?)) from rejected_rows",
                [rx],
            ).fetchall():
                seen.add(found)
        usual = set(person.emails) | {e.lower() for e in person.emails} | seen
        if any(len(h) == 40 for h in held):
            variants = set().union(*(_case_forms(e, seen) for e in person.emails)) if person.emails else set()
            sha1s = {hashlib.sha1(f"mailto:{v}".encode()).hexdigest() for v in variants}
            sha1s |= {hashlib.sha1(v.encode()).hexdigest() for v in usual}  # some write the bare address
            hashes |= held & sha1s
        for salt in _salts(con):
            for v in usual:
                hashes.add(hashlib.sha256(f"{v}{salt}".encode()).hexdigest())
                hashes.add(hashlib.md5(f"{v}{salt}".encode()).hexdigest())
        hashes &= held
    return Forms(ids, short_ids, emails, names, sorted(hashes))


def redact(text: str, pattern: re.Pattern) -> str | None:
    """The text with every form of the person replaced by ERASED; None when no form could be located."""
    folded, where = _python_fold(text)
    spans = []
    for m in pattern.finditer(folded):
        a, b = m.span()
        # the match includes its boundary characters: keep them
        while a < b and not folded[a].isalnum():
            a += 1
        while b > a and not folded[b - 1].isalnum():
            b -= 1
        if a < b:
            start, end = where[a], where[b - 1] + 1
            while end < len(text) and unicodedata.combining(text[end]):
                end += 1
            spans.append((start, end))
    if not spans:
        return None
    out, last = [], 0
    for start, end in sorted(spans):
        if start < last:
            continue
        out += [text[last:start], ERASED]
        last = end
    return "".join(out) + text[last:]


# ---------------------------------------------------------------- the erasure


def _text_columns(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str, bool]]:
    """(table, column, nullable) of every text column outside keys, in the tables swept for free text."""
    keys = {
        (r[0], c)
        for r in con.execute(
            "select table_name, constraint_column_names from duckdb_constraints() "
            "where database_name = current_database() and schema_name = 'main' and constraint_type = 'PRIMARY KEY'"
        ).fetchall()
        for c in r[1]
    }
    rows = con.execute(
        "select c.table_name, c.column_name, c.is_nullable = 'YES' from information_schema.columns as c "
        "join information_schema.tables as t using (table_catalog, table_schema, table_name) "
        "where c.table_catalog = current_database() and c.table_schema = 'main' and t.table_type = 'BASE TABLE' "
        "and c.data_type = 'VARCHAR' order by c.table_name, c.ordinal_position"
    ).fetchall()
    return [(t, c, n) for t, c, n in rows if t not in NOT_SWEPT and t != "rejected_rows" and (t, c) not in keys]


def forget(con: duckdb.DuckDBPyConnection, who: str) -> int:
    """Erase the personal data of the person `who` names (employee id or e-mail) in one transaction;
    returns the number of rows removed or changed."""
    person = identify(con, who)
    forms = forms_of(con, person)
    sql_rx = forms.pattern("re2")
    py_rx = re.compile(forms.pattern("re"))
    unique = forms.without_names()
    unique_rx = (unique.pattern("re2"), re.compile(unique.pattern("re"))) if not unique.empty() else None
    matches = f"regexp_matches({FOLD.format('{}')}, $rx)"
    in_rejected = f"({matches.format('raw')} or {matches.format('reason')})"
    if person.employee_id is None and not scalar(
        con, f"select count(*) from rejected_rows where {in_rejected}", {"rx": sql_rx}
    ):
        raise UnknownEmployee("Nothing in the warehouse names that e-mail address.")
    con.execute("begin transaction")
    try:
        touched = scalar(con, f"select count(*) from rejected_rows where {in_rejected}", {"rx": sql_rx})
        con.execute(f"delete from rejected_rows where {in_rejected}", {"rx": sql_rx})
        emp = person.employee_id
        if emp is not None:
            for table in ("completion_records", "assessments", "evidence", "skill_level_spans", "assignments"):
                touched += scalar(con, f"select count(*) from {table} where employee_id = ?", [emp])
                con.execute(f"delete from {table} where employee_id = ?", [emp])
            touched += scalar(con, "select count(*) from spend where employee_id = ?", [emp])
            con.execute("update spend set employee_id = null where employee_id = ?", [emp])
            con.execute("delete from employees where employee_id = ?", [emp])
            touched += 1
        for table, column, nullable in _text_columns(con):
            find, replace = (sql_rx, py_rx) if table not in PEOPLES_RECORDS else (unique_rx or (None, None))
            if find is None:
                continue
            hits = con.execute(
                f'select rowid, "{column}" from "{table}" where {matches.format(chr(34) + column + chr(34))}',
                {"rx": find},
            ).fetchall()
            for rowid, text in hits:
                clean = redact(text, replace)
                if clean is None:
                    clean = None if nullable else ERASED
                con.execute(f'update "{table}" set "{column}" = ? where rowid = ?', [clean, rowid])
            touched += len(hits)
        con.execute("insert into erasures values (?, ?)", [now_utc(), touched])
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    con.execute("checkpoint")
    return touched
