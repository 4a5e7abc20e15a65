"""The empty warehouse: what to load and how."""

import streamlit as st

from app import context, data

context.require_frame()

st.title("Welcome: the warehouse is empty")
st.write(
    "This dashboard answers three questions for managers: which skills teams have and where the gaps are "
    "(coverage), what training costs and what it brings (spend), and whether the company will reach the skill "
    "goals its leaders set (readiness). It needs your exports first."
)
st.subheader("1. Load the company files")
st.markdown(
    "- **roster.csv** (employees, teams, managers), **skills.csv**, **catalog.csv** (courses and the skills they teach)\n"
    "- **requirements.csv** (skills each role needs), **goals.csv** (strategic goals)\n"
    "- **spend.csv**, **budgets.csv**, **licences.csv**, **fx.csv**"
)
st.subheader("2. Load learning records")
st.markdown(
    "Moodle completion reports, xAPI/LRS exports, Open Badges, SCORM Cloud registrations, and provider CSVs "
    "(LinkedIn Learning, Udemy Business, Cornerstone, or your own LMS through a mapping profile)."
)
st.code(
    "python -m etl load path/to/exports/        # files or folders\npython -m etl sample                       # or: a demo company",
    language="bash",
)
st.write("Or upload files on the **Data** page. The warehouse file in use:")
st.code(data.db_file().name)
