"""The page queries: one module per page, each query registered with its audience.

No Streamlit here. Each query is a plain function of a read connection that returns a
Polars frame; it reads the warehouse's models (``sql/models``) and holds no business
rule of its own. ``queries.registry`` says who may call each one and how small groups
are hidden; the dashboard's one data door (``app.data``) enforces it. Importing this
package registers every query.
"""

from queries import coverage, data, frame, goals, overview, people, planner, spend  # noqa: F401  (registers them)
from queries.registry import REGISTRY, Audience, Forbidden, Query, get, query

__all__ = ["REGISTRY", "Audience", "Forbidden", "Query", "get", "query"]
