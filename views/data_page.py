"""Data (L&D): import history, rejected rows, freshness per source, uploads, skill suggestions to review."""

import streamlit as st

from app import context, data, rejects, suggestions, ui, uploads

context.require_page("data")

st.title("Data")

st.subheader("Upload exports")
st.caption(
    "Roster, catalog and other company files; Moodle, xAPI, Open Badges, SCORM Cloud and provider CSVs. "
    "Each file is loaded in one step: a file that cannot be read changes nothing, and a file whose exact "
    "content was already loaded is noted, not loaded twice, while nothing it depends on has changed."
)
with st.form("upload", clear_on_submit=True):
    files = st.file_uploader(
        "Export files",
        type=uploads.ACCEPTED,
        accept_multiple_files=True,
        max_upload_size=uploads.MAX_UPLOAD_MB,
        key="upload_files",
    )
    tz = st.selectbox(
        "Time zone of Moodle exports",
        uploads.time_zones(),
        key="upload_tz",
        help="Moodle writes times in the exporting user's time zone without saying which; "
        "the other formats carry their own. A report loaded before is read in the zone it was first loaded in.",
    )
    submitted = st.form_submit_button("Load files", icon=":material/upload:")
st.caption(uploads.trusted_issuers_note())
if submitted and files:
    with st.spinner("Loading…"):
        results = uploads.load_uploads([(f.name, f.getvalue()) for f in files], tz=tz)
    st.session_state["upload_results"] = [(uploads.tone(s), uploads.result_line(s)) for s in results]
for tone, line in st.session_state.get("upload_results", []):
    show = {"error": st.error, "info": st.info, "warning": st.warning}.get(tone, st.success)
    show(ui.plain(line), icon=":material/description:")

if not data.exists():
    st.stop()

st.subheader("Freshness per source")
ui.table(data.q("freshness"), "freshness")

st.subheader("Import history")
history = data.q("import_history")
ui.table(history, "import_history", height=300)
erased = data.q("erasures").row(0, named=True)
if erased["erasures"]:
    times = "once" if erased["erasures"] == 1 else f"{erased['erasures']:,} times"
    st.info(
        f"Personal data was erased {times}: on {erased['last_erased_at']:%Y-%m-%d %H:%M} UTC, "
        f"{erased['last_rows_removed']:,} rows were removed or changed (the latest). Whose data it was is not recorded.",
        icon=":material/person_remove:",
    )

checks = data.q("credential_status_counts")
if checks.height:
    st.subheader("Credentials' proofs")
    st.caption(ui.DEFINITIONS["verification"])
    ui.table(checks, "credential_status_counts", height=200)
    file_names = dict(checks.select("batch_id", "file_name").iter_rows())
    picked = st.selectbox(
        "Credentials of",
        [None] + checks["batch_id"].to_list(),
        format_func=lambda b: "All files" if b is None else f"#{b} {file_names[b]}",
        key="credential_batch",
    )
    ui.table(data.q("credential_checks", batch_id=picked), "credential_checks", height=300)

st.subheader("Rejected rows")
st.caption(
    "Open rows need a fix in the source or a decision. A row is resolved when a later file of the same kind "
    "brings the same record and it loads; rows no file will fix can be marked ignored with a reason. "
    "Resolved and ignored rows stay in the history."
)
reasons = data.q("rejected_reasons")
if reasons.height:
    st.caption("Most common reasons of open rows (values replaced by …):")
    st.dataframe(reasons, hide_index=True, column_config={"reason_kind": "Reason", "rows": "Rows"})
c1, c2, c3 = st.columns([2, 2, 1])
files = data.q("rejected_files")
names = dict(zip(files["batch_id"].to_list(), files["file_name"].to_list(), strict=False))
opens = dict(zip(files["batch_id"].to_list(), files["open"].to_list(), strict=False))
batch = c1.selectbox(
    "File",
    [None, *names],
    format_func=lambda b: "All files" if b is None else f"#{b} {names[b]} ({opens[b]:,} open)",
    key="rejected_batch",
)
text = c2.text_input("Reason or record contains", key="rejected_text")
shown_states = {"Open": "open", "Resolved": "resolved", "Ignored": "ignored", "All (history)": None}
state = c3.selectbox("Show", list(shown_states), key="rejected_state")
rejected = data.q("rejected_rows", batch_id=batch, text=text or None, state=shown_states[state])
shown_as = "" if shown_states[state] is None else state.lower() + " "
st.caption(f"{rejected.height:,} {shown_as}rejected row(s) shown (at most 5,000; the download holds the same).")
ui.table(rejected, "rejected_rows", height=400)
for ok, message in st.session_state.pop("ignore_results", []):
    (st.success if ok else st.error)(ui.plain(message), icon=":material/block:")
if shown_states[state] == "open" and rejected.height:
    with st.form("ignore_rejects", clear_on_submit=True):
        why = st.text_input(
            "Why these rows need no fix",
            key="ignore_reason",
            placeholder="e.g. the provider's test accounts",
            help="Marks every open row of the file and text chosen above ignored; they stay in the history.",
        )
        if st.form_submit_button("Mark the open rows shown ignored", icon=":material/block:"):
            st.session_state["ignore_results"] = [rejects.ignore(why, batch_id=batch, text=text or None)]
            st.rerun()

st.subheader("Skills suggested for untagged courses")
pending, problem = suggestions.pending()
if problem:
    st.warning(problem, icon=":material/warning:")
for ok, message in st.session_state.pop("suggestion_results", []):
    (st.success if ok else st.error)(ui.plain(message), icon=":material/school:")
if not problem and pending.is_empty():
    st.caption("Every course of the catalog names the skills it teaches: there is nothing to review.")
elif not problem:
    st.caption(ui.DEFINITIONS["suggestions"])
    courses = pending["course_id"].unique(maintain_order=True)
    if courses.len() > suggestions.SHOWN:
        st.caption(
            f"The first {suggestions.SHOWN} of {courses.len():,} untagged courses; the others follow as these are "
            "reviewed (python -m etl suggest-skills lists them all)."
        )
    shown = pending.filter(pending["course_id"].is_in(courses.head(suggestions.SHOWN).implode()))
    for (course_id,), course in shown.group_by("course_id", maintain_order=True):
        scores = dict(zip(course["skill"].to_list(), course["score"].to_list(), strict=True))
        with st.container(border=True, key=f"suggest_{course_id}"):
            st.markdown(f"**{ui.plain(course['title'][0])}** · {ui.plain(course_id)}")
            c1, c2, c3, c4 = st.columns([4, 1, 1, 1], vertical_alignment="bottom")
            skill = c1.selectbox(
                "Skill",
                list(scores),
                format_func=lambda s, scores=scores: f"{s} (score {scores[s]:.2f})",
                key=f"suggest_skill_{course_id}",
            )
            level = c2.selectbox(
                "Level", [1, 2, 3, 4, 5], index=int(course["level"][0]) - 1, key=f"suggest_level_{course_id}"
            )
            if c3.button("Accept", key=f"suggest_accept_{course_id}", icon=":material/check:"):
                st.session_state["suggestion_results"] = [suggestions.accept(course_id, skill, level)]
                st.rerun()
            if c4.button("Reject", key=f"suggest_reject_{course_id}", icon=":material/close:"):
                st.session_state["suggestion_results"] = [suggestions.reject(course_id, skill)]
                st.rerun()
accepted = data.q("accepted_suggestions")
if accepted.height:
    st.caption(f"{accepted.height:,} skill(s) courses teach because L&D accepted a suggestion:")
    ui.table(accepted, "accepted_suggestions", height=200)
