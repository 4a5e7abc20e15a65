"""Erase one person's personal data everywhere the warehouse stores it.

Removed: their roster row, their learning records and assessments, the rejected rows
that mention them (their id, e-mail, name, or the hashes under which exports name
them), and the link from spend lines to them (the money stays, unattributed).
An erasure is recorded with its time and the number of rows removed, never whom.
"""

from __future__ import annotations

import duckdb

from warehouse import now_utc, scalar


class UnknownEmployee(Exception):
    pass


def forget(con: duckdb.DuckDBPyConnection, employee_id: str) -> int:
    """Erase the employee's personal data in one transaction; returns the rows removed or changed."""
    row = con.execute(
        "select employee_id, email, full_name from employees where employee_id = ?", [employee_id]
    ).fetchall()
    if not row:
        raise UnknownEmployee(f"There is no employee with id {employee_id} in the warehouse.")
    emp, email, name = row[0]
    email = (email or "").strip().lower()
    needles = [n for n in {emp, email, (name or "").strip()} if n and len(n) >= 3]
    if email:
        import hashlib

        needles.append(hashlib.sha1(f"mailto:{email}".encode()).hexdigest())
    con.execute("begin transaction")
    try:
        touched = 0
        salts = [
            r[0]
            for r in con.execute(
                'select distinct regexp_extract(raw, \'"salt"\\s*:\\s*"([^"]*)"\', 1) from rejected_rows '
                "where raw like '%\"salt\"%'"
            ).fetchall()
            if r[0]
        ]
        for salt in salts:
            import hashlib

            needles.append(hashlib.sha256(f"{email}{salt}".encode()).hexdigest())
            needles.append(hashlib.md5(f"{email}{salt}".encode()).hexdigest())
        for needle in needles:
            touched += scalar(
                con,
                "select count(*) from rejected_rows where contains(lower(raw), lower(?)) "
                "or contains(lower(reason), lower(?))",
                [needle, needle],
            )
            con.execute(
                "delete from rejected_rows where contains(lower(raw), lower(?)) or contains(lower(reason), lower(?))",
                [needle, needle],
            )
        for table in ("completion_records", "assessments", "evidence", "skill_level_spans"):
            touched += scalar(con, f"select count(*) from {table} where employee_id = ?", [emp])
            con.execute(f"delete from {table} where employee_id = ?", [emp])
        touched += scalar(con, "select count(*) from spend where employee_id = ?", [emp])
        con.execute("update spend set employee_id = null where employee_id = ?", [emp])
        con.execute("delete from employees where employee_id = ?", [emp])
        touched += 1
        con.execute("insert into erasures values (?, ?)", [now_utc(), touched])
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    con.execute("checkpoint")  # rewrite the file so the erased rows are not left in old blocks
    return touched
