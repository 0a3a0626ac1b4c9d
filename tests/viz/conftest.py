"""The viz tests read the bundled demo store (built once per session in a temporary folder)."""

from __future__ import annotations

import pytest

from graph.base import GraphStore
from graph.records import Edge, Node

XSS = "<script>alert(1)</script>"
XSS_ID = "actor/test-xss"
XSS_ALLY = "actor/test-xss-ally"


def add_xss_actor(store: GraphStore) -> None:
    """An invented actor whose name and alias are markup, allied with another invented actor."""
    store.write([Node.make(XSS_ID, name=XSS, kind="militia", aliases=['"><img src=x onerror=alert(2)>'],
                           description="</script><script>alert(3)</script>"),
                 Node.make(XSS_ALLY, name="Test ally & <i>friends</i>", kind="militia")],
                [Edge.make("ALLIED_WITH", XSS_ID, XSS_ALLY, confidence="low", note="<b>bold</b>")])


@pytest.fixture(scope="session")
def demo(demo_app_store: GraphStore) -> GraphStore:
    """The demo store plus one actor with a hostile name (the pages' store: built once a session)."""
    return demo_app_store
