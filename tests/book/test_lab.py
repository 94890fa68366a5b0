"""``make lab``: JupyterLab with the book's kernel; a notebook rerun there gives its stored outputs.

The test starts ``make lab`` headless on 127.0.0.1 (a free port, a random token), opens a notebook
session through the server's REST API, runs every code cell through the kernel's websocket (as the
browser does when a reader runs all cells), compares the outputs with the stored ones (as the
determinism check does: everything but PNG bytes), then stops the server with SIGTERM and checks
that no process is left."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import time
import urllib.request
import uuid

import nbformat
import pytest
from conftest import ROOT
from nbformat.v4 import output_from_msg
from test_determinism import code_outputs, comparable, differences
from test_interrupt import _tagged

pytestmark = pytest.mark.xdist_group("lab")

NOTEBOOK = "chapters/participation-uk-kz/03_text_claims.ipynb"
START_WITHIN = 180  # seconds for make lab to answer (measured: about 10 s with .venv in place)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _api(base: str, token: str, path: str, body: dict | None = None, method: str | None = None):
    request = urllib.request.Request(
        f"{base}{path}",
        method=method or ("POST" if body is not None else "GET"),
        data=None if body is None else json.dumps(body).encode(),
        headers={"Authorization": f"token {token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        text = response.read()
        return json.loads(text) if text else None


async def _run_cells(ws_url: str, token: str, sources: list[str]) -> list[list[dict]]:
    """Each code cell executed in order; its outputs as the notebook would store them."""
    from tornado.httpclient import HTTPRequest
    from tornado.websocket import websocket_connect

    conn = await websocket_connect(HTTPRequest(ws_url, headers={"Authorization": f"token {token}"}))
    session = uuid.uuid4().hex
    results = []
    for source in sources:
        msg_id = uuid.uuid4().hex
        conn.write_message(
            json.dumps(
                {
                    "header": {
                        "msg_id": msg_id,
                        "msg_type": "execute_request",
                        "session": session,
                        "username": "test",
                        "version": "5.3",
                        "date": "",
                    },
                    "parent_header": {},
                    "metadata": {},
                    "channel": "shell",
                    "buffers": [],
                    "content": {
                        "code": source,
                        "silent": False,
                        "store_history": True,
                        "user_expressions": {},
                        "allow_stdin": False,
                        "stop_on_error": True,
                    },
                }
            )
        )
        outputs = []
        while True:
            message = json.loads(await asyncio.wait_for(conn.read_message(), timeout=300))
            if message.get("parent_header", {}).get("msg_id") != msg_id or message["channel"] != "iopub":
                continue
            kind = message["msg_type"]
            if kind == "status" and message["content"]["execution_state"] == "idle":
                break
            if kind in ("stream", "display_data", "execute_result", "error"):
                outputs.append(output_from_msg(message))
        results.append(outputs)
    conn.close()
    return results


def test_make_lab_serves_the_book_and_reruns_a_notebook_with_its_stored_outputs():
    port, token, tag = _free_port(), uuid.uuid4().hex, uuid.uuid4().hex
    env = dict(os.environ, JUPYTER_TOKEN=token, COMPANION_TEST_TAG=tag)
    server = subprocess.Popen(
        ["make", "lab", f"LAB_PORT={port}"],
        cwd=ROOT,
        env=env,
        start_new_session=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_WITHIN
        while True:
            assert server.poll() is None, f"make lab ended: {server.stdout.read()}"
            try:
                _api(base, token, "/api/status")
                break
            except OSError:
                assert time.monotonic() < deadline, f"make lab did not answer within {START_WITHIN} s"
                time.sleep(0.5)
        # the page a reader opens: the chapters folder in JupyterLab
        with urllib.request.urlopen(f"{base}/lab/tree/chapters?token={token}", timeout=30) as page:
            assert page.status == 200 and b"JupyterLab" in page.read()
        specs = _api(base, token, "/api/kernelspecs")
        assert specs["kernelspecs"]["python3"]["spec"]["display_name"] == "Python 3.11 (companion book, .venv)"

        stored = nbformat.read(ROOT / NOTEBOOK, as_version=4)
        session = _api(
            base,
            token,
            "/api/sessions",
            {"path": NOTEBOOK, "type": "notebook", "kernel": {"name": stored.metadata.kernelspec.name}},
        )
        ws_url = f"ws://127.0.0.1:{port}/api/kernels/{session['kernel']['id']}/channels"
        sources = [cell.source for cell in stored.cells if cell.cell_type == "code"]
        outputs = asyncio.run(_run_cells(ws_url, token, sources))
        found = differences(code_outputs(stored), [comparable(cell) for cell in outputs])
        assert not found, "\n".join(found)
        _api(base, token, f"/api/sessions/{session['id']}", method="DELETE")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            log, _ = server.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            log, _ = server.communicate()
    assert "without encryption" not in log, log
    for _ in range(40):
        if not _tagged(tag):
            break
        time.sleep(0.25)
    assert not _tagged(tag), _tagged(tag)
