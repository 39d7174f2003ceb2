"""The CLI's JSON for scripts and for people: compact in a pipe, indented on a terminal or with
``--pretty``, NDJSON for large scans — the same answer whichever is asked for."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys

from dutygraph.fixtures import DEMO_PATH

LEAD = ("lead", "I-FOOD", "510104", "--as-of", "2025-06-01", "--json")


def test_json_in_a_pipe_is_compact_and_pretty_indents_the_same_answer(cli):
    cli("load", str(DEMO_PATH))
    compact = cli(*LEAD, check=False)
    pretty = cli(*LEAD, "--pretty", check=False)
    assert compact.returncode == pretty.returncode == 0
    assert compact.stdout.count("\n") == 1 and ": " not in compact.stdout.split('"evidence"')[0]
    assert pretty.stdout.startswith('{\n  "item": {\n    "id": "I-FOOD"')
    assert "锦江区市场监督管理局" in compact.stdout  # UTF-8, not \\u escapes
    assert json.loads(compact.stdout) == json.loads(pretty.stdout)


def test_json_on_a_terminal_is_indented(cli):
    cli("load", str(DEMO_PATH))
    leader, follower = pty.openpty()
    with subprocess.Popen(
        [sys.executable, "-m", "dutygraph", *LEAD],
        stdout=follower,
        stderr=subprocess.PIPE,
        env={**os.environ, "DUTYGRAPH_STORE": str(cli.store_path)},
    ) as proc:
        os.close(follower)
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            chunks.append(chunk)
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
    os.close(leader)
    text = b"".join(chunks).decode().replace("\r\n", "\n")
    assert text.startswith('{\n  "item": {\n')
    assert json.loads(text) == cli(*LEAD)


def test_ndjson_gives_the_json_list_one_object_a_line(cli):
    cli("load", str(DEMO_PATH))
    for scan in ("gaps", "conflicts", "inspections"):
        listed = cli(scan, "--as-of", "2025-01-01", "--json")
        lines = cli(scan, "--as-of", "2025-01-01", "--ndjson").stdout.splitlines()
        assert listed, scan
        assert [json.loads(line) for line in lines] == listed
    kinds = cli("gaps", "--as-of", "2025-01-01", "--ndjson", "--kind", "NO_LEAD").stdout
    assert {json.loads(line)["kind"] for line in kinds.splitlines()} == {"NO_LEAD"}
