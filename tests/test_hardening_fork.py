"""Fork safety of the worker processes (#22 review of api/processes.py).

Each test is a defect the review found in the pool as it was: a worker or the
zygote that died unseen, a lock or a paused collector carried into every
worker by the fork, the server's store (its descriptors closed) used in a
worker. Real processes, real forks; nothing stands in for them.
"""

from __future__ import annotations

import gc
import os
import signal
import sys
import threading
import time

import pytest

if not sys.platform.startswith("linux"):
    pytest.skip("worker processes are forked on Linux only", allow_module_level=True)

from dutygraph.analysis import match
from dutygraph.api.processes import Processes
from dutygraph.fixtures import demo_graph

from .servers import process_ended


@pytest.fixture
def procs() -> Processes:
    p = Processes(1)
    p.register("pid", lambda stamp, g: os.getpid())
    p.register("gc", lambda stamp, g: gc.isenabled())
    p.register("sleep", lambda stamp, g, s: time.sleep(s))
    p.register("index-lock", lambda stamp, g: match._cache_lock.acquire(timeout=2))
    p.offer("s1", demo_graph())
    yield p
    p.close()


def _call(p: Processes, name: str, wait: float = 20.0) -> object:
    return p.call(name, (), time.monotonic() + wait)


def test_a_worker_that_died_while_idle_is_replaced_before_the_next_job(procs: Processes) -> None:
    first = _call(procs, "pid")
    os.kill(first, signal.SIGKILL)  # the OOM killer, say, between two jobs
    assert process_ended(first)
    again = _call(procs, "pid")  # before: WorkerFailed (the job sent down a dead pipe)
    assert again != first and procs.pids() == [again]


def test_a_dead_zygote_is_replaced_and_workers_are_forked_again(procs: Processes) -> None:
    first = _call(procs, "pid")
    zygote = procs._zygote
    assert zygote is not None
    with pytest.raises(TimeoutError):  # the worker is killed past its limit: the next
        procs.call("sleep", (60,), time.monotonic() + 0.3)  # job needs a new one, a fork
    assert process_ended(first)
    os.kill(zygote.pid, signal.SIGKILL)
    # before: every later job failed (an OSError from the dead zygote's socket, the same
    # dead zygote asked again each time)
    again = _call(procs, "pid")
    assert again != first
    assert procs._zygote is not None and procs._zygote.pid != zygote.pid


def test_workers_forked_while_the_collector_is_paused_still_collect(procs: Processes) -> None:
    gc.disable()  # a graph being read in another thread (gc_paused) while the fork happens
    try:
        enabled = _call(procs, "gc")
    finally:
        gc.enable()
    assert enabled is True  # before: False, for the worker's whole life (cycles never freed)


def test_a_lock_held_by_another_thread_at_the_fork_is_free_in_the_workers(
    procs: Processes,
) -> None:
    inside, leave = threading.Event(), threading.Event()

    def hold() -> None:  # a light thread looking up the word indexes while the fork happens
        with match._cache_lock:
            inside.set()
            leave.wait(10)

    t = threading.Thread(target=hold)
    t.start()
    assert inside.wait(10)
    threading.Timer(0.3, leave.set).start()  # it lets go soon after the fork was asked for
    got = _call(procs, "index-lock")  # the zygote and the worker forked now
    t.join()
    assert got is True  # before: False (the lock held for good in every worker)


_REGISTER_DURING_FORK = """
import os, threading, time
from dutygraph._fork import fork_safe
held, inside = fork_safe(threading.Lock()), threading.Event()
def build():  # as match.segmenter(): under a registered lock, a new segmenter registers its own
    with held:
        inside.set()
        time.sleep(0.2)  # the fork has begun meanwhile and waits for `held`
        fork_safe(threading.Lock())
t = threading.Thread(target=build)
t.start()
inside.wait(5)
pid = os.fork()
if pid == 0:
    os._exit(0)
os.waitpid(pid, 0)
t.join()
print("forked")
"""


def test_a_lock_registered_while_a_fork_waits_does_not_deadlock():
    # the forking thread used to hold the registry's lock while it waited for the registered
    # ones: a thread that registers a lock while holding one (building a segmenter under the
    # segmenters' lock) then waited for it, and it for that thread — both for good
    import subprocess

    done = subprocess.run(
        [sys.executable, "-c", _REGISTER_DURING_FORK], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0 and done.stdout == "forked\n", done.stderr
