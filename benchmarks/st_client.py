"""A Streamlit session without a browser: the websocket protocol the browser speaks, for load tests.

A browser tab costs hundreds of milliseconds of CPU to draw a page; fifty of them on the
server's own cores measure the browsers. This client speaks the same protocol as the
browser's (Streamlit 1.67: ``web/server/starlette/starlette_websocket.py`` and
``runtime/app_session.py``) and costs next to nothing per session:

1. open ``ws://HOST:PORT/_stcore/stream`` with the subprotocol ``streamlit`` (no XSRF token:
   the token only unlocks the sign-in cookie, which demo mode does not read; no Origin header,
   which the server allows, as it does a same-origin one);
2. send a ``BackMsg`` whose ``rerun_script`` is a ``ClientState`` holding the URL's query string
   (``as=<e-mail>`` picks the demo persona), the page's URL path as ``page_name`` and no
   ``page_script_hash`` (what a browser sends on its first load of a link);
3. read ``ForwardMsg`` s until ``script_finished``: the run is done. Its status says whether it
   finished (``FINISHED_SUCCESSFULLY``); an ``exception`` element in the deltas, or no
   ``script_finished`` within the timeout, makes the action a failure.

Changing a filter is another ``rerun_script`` with the widget's new value in
``widget_states`` (the id and the options come from the widget's element in the deltas),
the page's ``page_script_hash`` from the server's ``navigation`` message, and the query
string as the browser's address bar would hold it (a widget bound to the URL writes its
value there).

The client sends no ``cached_message_hashes``, so the server never answers with a
``ref_hash`` (a reference to a message the browser keeps in its cache); one that arrives
anyway is counted and not fetched, which changes nothing for timing.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

#: Elements whose text the client keeps (what a person reads), and the fields that hold it.
_TEXT_FIELDS = {
    "heading": ("body",),
    "markdown": ("body",),
    "text": ("body",),
    "alert": ("body",),
    "metric": ("label", "body", "delta"),
    "exception": ("type", "message"),
}
#: Widgets whose value the client can change: element type -> the WidgetState field of its value.
_WIDGETS = {"selectbox": "string_value", "radio": "int_value", "multiselect": "string_array_value"}


class ProtocolError(Exception):
    """The server did not answer as a Streamlit server does (closed, refused, or never finished)."""


@dataclass
class Widget:
    """A widget the last run drew: its id, label, kind (element type) and options as shown."""

    id: str
    label: str
    kind: str
    options: list[str]
    query_param_key: str = ""


@dataclass
class Run:
    """One script run as the client saw it: from sending the rerun to ``script_finished``."""

    seconds: float
    status: str  # FINISHED_SUCCESSFULLY, ... or "timeout"
    texts: list[str] = field(default_factory=list)
    exceptions: list[str] = field(default_factory=list)
    widgets: dict[str, Widget] = field(default_factory=dict)
    messages: int = 0
    bytes: int = 0
    ref_hashes: int = 0

    @property
    def ok(self) -> bool:
        """A run that finished, without an exception shown on the page."""
        return self.status == "FINISHED_SUCCESSFULLY" and not self.exceptions

    @property
    def error(self) -> str | None:
        if self.ok:
            return None
        return self.exceptions[0][:200] if self.exceptions else self.status


def element_texts(kind: str, element) -> list[str]:
    """The readable text of one element (a heading's, a metric's label, value and delta...)."""
    fields = _TEXT_FIELDS.get(kind)
    if not fields:
        return []
    inner = getattr(element, kind)
    return [v for v in (getattr(inner, f) for f in fields) if isinstance(v, str) and v]


class Session:
    """One browser tab's worth of Streamlit session: ``await open()``, ``await choose(label, option)``,
    ``await close()``. Not safe to share between tasks (one run at a time, as a tab does)."""

    def __init__(self, base_url: str, page: str = "", query: dict | None = None, timeout: float = 120.0):
        self.ws_url = base_url.replace("http://", "ws://").rstrip("/") + "/_stcore/stream"
        self.page, self.timeout = page, timeout
        self.query = dict(query or {})
        self.page_script_hash = ""
        self.widgets: dict[str, Widget] = {}
        #: The values this session has set, sent with every later run (as the browser sends its widgets').
        self.chosen: dict[str, tuple[Widget, object]] = {}
        self._ws = None

    @property
    def query_string(self) -> str:
        return urlencode(self.query)

    async def open(self) -> Run:
        """Connect and run the page, as a browser does when it opens the page's link."""
        self._ws = await websockets.connect(
            self.ws_url, subprotocols=["streamlit"], max_size=None, open_timeout=self.timeout, ping_interval=None
        )
        return await self.rerun()

    async def close(self) -> None:
        if self._ws is not None:
            await self._ws.close()
            self._ws = None

    async def __aenter__(self) -> Session:
        return self

    async def __aexit__(self, *exc) -> None:
        await self.close()

    def widget(self, label: str) -> Widget:
        """The widget of the last run with this label (KeyError when the page drew none)."""
        return self.widgets[label]

    async def choose(self, label: str, value) -> Run:
        """Set the widget labelled `label` to `value` (an option as shown; a list for a multiselect) and
        wait for the run it starts, as a click in the browser does."""
        w = self.widget(label)
        self.chosen[w.id] = (w, value)
        if w.query_param_key:  # a widget bound to the URL writes its value into the address bar
            self.query[w.query_param_key] = value if isinstance(value, str) else ",".join(value)
        return await self._run(self._rerun_msg())

    async def rerun(self) -> Run:
        """Run the page again with nothing changed (the first run opens it)."""
        return await self._run(self._rerun_msg())

    def _rerun_msg(self) -> BackMsg:
        back = BackMsg()
        cs = back.rerun_script
        cs.query_string = self.query_string
        cs.page_name = self.page
        cs.page_script_hash = self.page_script_hash
        cs.context_info.timezone = "UTC"
        cs.context_info.timezone_offset = 0
        cs.context_info.locale = "en-GB"
        cs.context_info.url = f"http://127.0.0.1/{self.page}"
        for w, value in self.chosen.values():
            state = cs.widget_states.widgets.add()
            state.id = w.id
            kind = _WIDGETS[w.kind]
            if kind == "string_value":
                state.string_value = value
            elif kind == "int_value":
                state.int_value = w.options.index(value)
            else:
                state.string_array_value.data.extend(value)
        return back

    async def _run(self, back: BackMsg) -> Run:
        if self._ws is None:
            raise ProtocolError("the session is not open")
        started = time.perf_counter()
        await self._ws.send(back.SerializeToString())
        run = Run(seconds=0.0, status="timeout")
        widgets: dict[str, Widget] = {}
        try:
            async with asyncio.timeout(self.timeout):
                while True:
                    try:
                        data = await self._ws.recv()
                    except websockets.ConnectionClosed as exc:
                        raise ProtocolError(f"the server closed the connection ({exc.code})") from exc
                    msg = ForwardMsg()
                    msg.ParseFromString(data)
                    run.messages += 1
                    run.bytes += len(data)
                    if self._take(msg, run, widgets):
                        break
        except TimeoutError:
            run.status = "timeout"
        run.seconds = time.perf_counter() - started
        run.widgets = widgets
        if run.status != "timeout":  # a run cut short drew only part of the page: keep the last whole one's
            self.widgets = widgets
        return run

    def _take(self, msg: ForwardMsg, run: Run, widgets: dict[str, Widget]) -> bool:
        """Note what one message says; True when it ends the run."""
        kind = msg.WhichOneof("type")
        if kind == "delta":
            if msg.delta.WhichOneof("type") != "new_element":
                return False
            element = msg.delta.new_element
            etype = element.WhichOneof("type")
            texts = element_texts(etype, element)
            run.texts.extend(texts)
            if etype == "exception":
                run.exceptions.append(": ".join(texts) or "exception")
            elif etype in _WIDGETS:
                inner = getattr(element, etype)
                widgets[inner.label] = Widget(
                    inner.id, inner.label, etype, list(inner.options), getattr(inner, "query_param_key", "")
                )
        elif kind == "navigation":
            self.page_script_hash = msg.navigation.page_script_hash or self.page_script_hash
        elif kind == "new_session":
            self.page_script_hash = msg.new_session.page_script_hash or self.page_script_hash
        elif kind == "page_info_changed":
            self.query = dict(parse_qsl(msg.page_info_changed.query_string, keep_blank_values=True))
        elif kind == "ref_hash":
            run.ref_hashes += 1
        elif kind == "script_finished":
            status = ForwardMsg.ScriptFinishedStatus.Name(msg.script_finished)
            if status == "FINISHED_EARLY_FOR_RERUN":  # superseded by a rerun of our own: keep reading
                return False
            run.status = status
            return True
        return False
