"""Locks a forked child can use (internal): none is left held by a thread the child has not.

A process forked while another of its threads holds a lock gets that lock held
for good: the thread holding it does not exist in the child. The server forks
its analysis processes (:mod:`dutygraph.api.processes`) while its light threads
run, so a module lock taken by the analyses (the word-index cache, a
segmenter's) must not be mid-use at the fork. :func:`fork_safe` registers a
lock: before any fork the forking thread takes every registered lock (waiting
for the threads using them to finish their short critical sections; all at once
or none, so the order they are nested in does not matter), and lets go of
them after, in the parent and in the child — so both start with them free and
with what they guard in a consistent state.

>>> import os, threading, time
>>> lock, inside = fork_safe(threading.Lock()), threading.Event()
>>> def hold():  # a thread inside the lock while another forks
...     with lock:
...         inside.set()
...         time.sleep(0.2)
>>> t = threading.Thread(target=hold); t.start(); _ = inside.wait(5)
>>> pid = os.fork()  # (waits for the thread to let go)
>>> if pid == 0:  # the child: the lock is free
...     os._exit(0 if lock.acquire(timeout=5) else 1)
>>> os.waitpid(pid, 0)[1], t.join()
(0, None)
"""

from __future__ import annotations

import os
import threading
import time
import weakref
from typing import Any, TypeVar

__all__ = ["fork_safe"]

L = TypeVar("L")

#: the registered locks (held weakly: a segmenter's goes with it)
_locks: weakref.WeakValueDictionary[int, Any] = weakref.WeakValueDictionary()
_count = 0
_registry_lock = threading.Lock()
_held: list[Any] = []


def fork_safe(lock: L) -> L:
    """Register ``lock`` (a :class:`threading.Lock` or ``RLock``) to be free in a forked child;
    returns it. Hold it only for short critical sections: a fork waits for them."""
    global _count
    with _registry_lock:
        _count += 1
        _locks[_count] = lock
    return lock


def _before() -> None:
    """Take the registry's lock and every registered lock: all at once or none (then again a
    moment later), so that a thread holding one and waiting for another never waits for the
    forking thread — the registry's own lock included: a thread that builds a segmenter under
    a registered lock registers the segmenter's lock, and must be able to."""
    while True:
        if _registry_lock.acquire(blocking=False):
            for lock in list(_locks.values()):
                if not lock.acquire(blocking=False):
                    break
                _held.append(lock)
            else:
                return  # all held, the registry's too, until _after
            while _held:
                _held.pop().release()
            _registry_lock.release()
        time.sleep(0.0005)


def _after() -> None:
    while _held:
        _held.pop().release()
    _registry_lock.release()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(before=_before, after_in_parent=_after, after_in_child=_after)
