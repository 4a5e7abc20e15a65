"""People (team leads): person x skill matrix, credentials, learning history, learning path, expiring certificates."""

import streamlit as st

from app import assignments, charts, context, data, ui

context.require_page("people")
ctx = context.get()

st.title("People")
if not ctx.viewer.sees_names:
    st.info("This page lists people by name, which executives do not see. Coverage and goals show the aggregates.")
    st.stop()

units = data.q("org_units", root=ctx.viewer.root)
teams = [
    t for d, t in zip(units["department"].to_list(), units["team"].to_list(), strict=False) if ctx.unit in (None, d, t)
]
if not teams:
    st.info("No teams in this selection.")
    st.stop()
team = st.selectbox("Team", teams, key="people_team")
st.caption(f"As of {ui.day(ctx.as_of)} · {ui.plain(team)}")

matrix = data.q("requirement_people", as_of=ctx.as_of, root=ctx.viewer.root, unit=ctx.unit, team=team)
if matrix.is_empty():
    st.info(f"Nobody active in {ui.plain(team)} on {ui.day(ctx.as_of)} has a role with skill requirements.")
else:
    st.plotly_chart(charts.person_matrix(matrix), key="person_matrix")
    st.caption(ui.DEFINITIONS["level"] + " Red: below the required level; blue: at or above it.")
    with st.expander("The matrix as a table"):
        ui.table(
            matrix.select("full_name", "role", "skill", "level", "evidence", "required_level", "gap", "met"),
            f"skills_{team}",
        )
        st.caption(ui.DEFINITIONS["evidence"])

    st.subheader("One person")
    names = matrix.select("employee_id", "full_name").unique(maintain_order=True)
    pick = st.selectbox(
        "Person",
        names["employee_id"].to_list(),
        key="person",
        format_func=dict(zip(names["employee_id"].to_list(), names["full_name"].to_list(), strict=False)).get,
    )
    credentials, history, path = st.tabs(["Credentials and evidence", "Learning history", "Learning path"])
    with credentials:
        creds = data.q("person_credentials", as_of=ctx.as_of, employee_id=pick, root=ctx.viewer.root)
        ui.table(creds, f"credentials_{pick}")
        st.caption(ui.DEFINITIONS["evidence"])
        checks = data.q("person_credential_checks", as_of=ctx.as_of, employee_id=pick, root=ctx.viewer.root)
        if not checks.is_empty():
            st.markdown("**Proof checks of their credentials**")
            ui.table(checks, f"credential_checks_{pick}", key=f"dl_checks_{pick}")
            st.caption(ui.DEFINITIONS["verification"])
    with history:
        ui.table(data.q("learning_history", as_of=ctx.as_of, employee_id=pick, root=ctx.viewer.root), f"history_{pick}")
    with path:
        steps = data.q("person_learning_path", as_of=ctx.as_of, employee_id=pick, root=ctx.viewer.root)
        st.caption(ui.DEFINITIONS["learning_path"])
        gaps, renewals = (steps.filter(steps["kind"] == k).drop("kind") for k in ("gap", "recertification"))
        if gaps.is_empty():
            st.success("No gaps: this person meets their role's requirements and every goal still short of its target.")
        else:
            ui.table(gaps.drop("due"), f"learning_path_{pick}", key=f"dl_path_{pick}")
        st.markdown("**Recertifications due in the next 90 days**")
        if renewals.is_empty():
            st.caption("Nothing lapses in the next 90 days.")
        else:
            ui.table(renewals.drop("option"), f"recertifications_{pick}", key=f"dl_renew_{pick}")

st.subheader(f"Assigned learning in {ui.plain(team)}")
assignments.later_note(ctx, team)
counts = data.q("assignment_counts", as_of=ctx.as_of, root=ctx.viewer.root, unit=ctx.unit, team=team)
if counts.is_empty():
    st.caption(f"Nobody in {ui.plain(team)} has a course assigned. Assign one from a gap on the Skill coverage page.")
else:
    assignments.status_counts(counts, f"assignment_counts_{team}", team=False)
    listed = data.q("person_assignments", as_of=ctx.as_of, root=ctx.viewer.root, unit=ctx.unit, team=team)
    ui.table(listed.drop("employee_id"), f"assignments_{team}")

st.subheader(f"Certificates expiring in {ui.plain(team)}")
window = st.segmented_control("Within", ["30 days", "60 days", "90 days"], default="90 days", key="expiry_window")
days = int((window or "90 days").split()[0])
expiring = data.q("expiring", as_of=ctx.as_of, days=days, root=ctx.viewer.root, unit=ctx.unit, team=team)
if expiring.is_empty():
    st.success(f"Nothing in {ui.plain(team)} expires in the next {days} days.")
else:
    st.caption(
        f"{expiring.height:,} credential{'s' if expiring.height != 1 else ''} (each once, with every skill it attests)."
    )
    ui.table(expiring, f"expiring_{days}_days")
