"""Settings: the limits dutygraph enforces, declared once.

Each setting has a name, a type, a default and a line of documentation
(:data:`SETTINGS`). Its value comes from, last one winning:

1. the default below;
2. a settings file (TOML, a flat table of ``name = value``): ``--settings FILE``
   or ``$DUTYGRAPH_SETTINGS``;
3. the environment: ``DUTYGRAPH_<NAME>`` (``DUTYGRAPH_MAX_CELL_CHARS=200000``);
4. the command line: ``--setting NAME VALUE`` (repeatable, after any command).

An unknown name in a settings file or on the command line is an error (exit 2)
that lists the known ones; a value that is not of the setting's type too. The
README's settings table is :func:`settings_table` (a test checks it is current).

>>> s = Settings.load(file=None, env={}, flags=[("max_cell_chars", "1000")])
>>> s.max_cell_chars, s.max_rows
(1000, 2000000)
>>> Settings.load(file=None, env={}, flags=[("max_cells", "1")])  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
dutygraph.errors.UsageError: --setting max_cells: 未知设置 'max_cells' (unknown setting); did you mean max_cell_chars?; ...

The readers and the server read the settings in force: :func:`current` (the
environment and ``$DUTYGRAPH_SETTINGS`` unless :func:`use` installed others,
as the command line does).
"""

from __future__ import annotations

import difflib
import os
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import UsageError

__all__ = [
    "CACHE_ENV",
    "SETTINGS",
    "Setting",
    "Settings",
    "caches_off",
    "current",
    "settings_table",
    "use",
]

MiB = 1 << 20

#: the environment variable naming the folder of the caches kept outside a store (the
#: prepared law corpus, assign's word indexes), or turning every cache off (``off``: those,
#: and the files a store keeps beside itself)
CACHE_ENV = "DUTYGRAPH_CACHE"


def caches_off(env: Mapping[str, str] = os.environ) -> bool:
    """Whether ``$DUTYGRAPH_CACHE`` turns the caches off (``off``, ``0`` or ``no``).

    >>> caches_off({"DUTYGRAPH_CACHE": "OFF"}), caches_off({"DUTYGRAPH_CACHE": "/tmp/c"}), caches_off({})
    (True, False, False)
    """
    return env.get(CACHE_ENV, "").lower() in ("off", "0", "no")


@dataclass(frozen=True, slots=True)
class Setting:
    """One setting: its name, type (``int``, ``count`` — 0 allowed —, ``float`` or ``path``), default and meaning."""

    name: str
    kind: str
    default: Any
    help: str
    #: who enforces it: "readers" (every import) or "server" (``dutygraph serve``)
    scope: str

    @property
    def env(self) -> str:
        return "DUTYGRAPH_" + self.name.upper()

    def parse(self, value: Any, where: str) -> Any:
        """``value`` (a string from the environment or a flag, or a TOML value) as this type."""
        try:
            if self.kind == "path":
                if value is None or value == "":
                    return None
                if not isinstance(value, str | os.PathLike):
                    raise TypeError
                return Path(value)
            if isinstance(value, bool):
                raise TypeError
            if self.kind in ("int", "count"):  # a count may be 0
                number = int(value.replace("_", "")) if isinstance(value, str) else value
                if not isinstance(number, int) or number < (self.kind == "int"):
                    raise ValueError
                return number
            number = float(value)
            if number <= 0:
                raise ValueError
            return number
        except (TypeError, ValueError):
            want = {
                "int": "正整数 (a positive integer)",
                "count": "非负整数 (0 or a positive integer)",
                "float": "正数 (a positive number)",
            }
            raise UsageError(
                f"{where}: 设置 {self.name} 的值 {value!r} 不是{want.get(self.kind, '路径 (a path)')}"
            ) from None


#: every setting, in the order the README's table lists them
SETTINGS: tuple[Setting, ...] = (
    Setting(
        "max_cell_chars",
        "int",
        131_072,
        "输入单元格最长字符数 (longest cell of an input: CSV, XLSX, published list)",
        "readers",
    ),
    Setting(
        "max_rows",
        "int",
        2_000_000,
        "一个表或工作表最多行数 (most rows in one input table or sheet)",
        "readers",
    ),
    Setting(
        "max_columns",
        "int",
        1_000,
        "一个表或工作表最多列数 (most columns in one input table or sheet)",
        "readers",
    ),
    Setting(
        "max_sheet_cells",
        "int",
        50_000_000,
        "一个 XLSX 工作表最多单元格数 (most cells, last row × last column holding a value, in one XLSX sheet)",
        "readers",
    ),
    Setting(
        "max_merged_cells",
        "int",
        1_000_000,
        "一个 XLSX 工作表合并区域覆盖的最多单元格数 (most cells covered by merged ranges in one sheet)",
        "readers",
    ),
    Setting(
        "max_xlsx_bytes",
        "int",
        512 * MiB,
        "XLSX 解压后最多字节数，打开前检查 (most bytes a workbook holds uncompressed, checked before it is opened)",
        "readers",
    ),
    Setting(
        "max_xlsx_ratio",
        "int",
        200,
        "XLSX 成员（解压超过 1 MiB）的最高压缩比 (highest compression ratio of a member over 1 MiB; a zip bomb's is ~1000)",
        "readers",
    ),
    Setting(
        "max_body_bytes",
        "int",
        10 * MiB,
        "`dutygraph serve` 接受的最大请求体 (largest HTTP request body; 413 past it)",
        "server",
    ),
    Setting(
        "max_text_chars",
        "int",
        20_000,
        "自由文本参数最长字符数 (longest free-text argument: route text, assign description, search; 400 past it)",
        "server",
    ),
    Setting(
        "request_timeout",
        "float",
        30.0,
        "单个请求最长运行秒数 (seconds one request may run before it is stopped)",
        "server",
    ),
    Setting(
        "analysis_processes",
        "count",
        2,
        "`dutygraph serve` 运行分析的工作进程数，0 为线程 (worker processes for the analyses: scans, routeClue, assign; 0: threads)",
        "server",
    ),
    Setting(
        "import_folder",
        "path",
        None,
        "`loadBundle` 唯一可读取的文件夹 (the only folder loadBundle may read; none: loadBundle(path:) is refused)",
        "server",
    ),
)

_BY_NAME = {s.name: s for s in SETTINGS}


class Settings:
    """The value of every setting; attributes by name (``settings.max_rows``).

    >>> Settings().max_xlsx_ratio
    200
    """

    __slots__ = ("_sources", "_values")

    def __init__(self, values: Mapping[str, Any] | None = None) -> None:
        self._values = {s.name: s.default for s in SETTINGS}
        self._sources = {s.name: "default" for s in SETTINGS}
        for name, value in (values or {}).items():
            self._set(name, value, "argument")

    def _set(self, name: str, value: Any, where: str) -> None:
        setting = _BY_NAME.get(name)
        if setting is None:
            close = difflib.get_close_matches(name, _BY_NAME, n=1)
            hint = f"; did you mean {close[0]}?" if close else ""
            raise UsageError(
                f"{where}: 未知设置 {name!r} (unknown setting){hint}; known settings: "
                + ", ".join(_BY_NAME)
            )
        self._values[name] = setting.parse(value, where)
        self._sources[name] = where

    def __getattr__(self, name: str) -> Any:
        try:
            return self._values[name]
        except KeyError:
            raise AttributeError(name) from None

    def source(self, name: str) -> str:
        """Where the value of ``name`` came from: default, a file, an env var, a flag."""
        return self._sources[name]

    def as_dict(self) -> dict[str, Any]:
        return {k: (str(v) if isinstance(v, Path) else v) for k, v in self._values.items()}

    def replace(self, **values: Any) -> Settings:
        """A copy with ``values`` set (for tests and library callers).

        >>> Settings().replace(max_rows=10).max_rows
        10
        """
        out = Settings()
        out._values, out._sources = dict(self._values), dict(self._sources)
        for name, value in values.items():
            out._set(name, value, "argument")
        return out

    @classmethod
    def load(
        cls,
        file: str | os.PathLike[str] | None = None,
        env: Mapping[str, str] | None = None,
        flags: Iterable[tuple[str, str]] = (),
    ) -> Settings:
        """Defaults, then ``file`` (default ``$DUTYGRAPH_SETTINGS``), then ``env``, then ``flags``."""
        env = os.environ if env is None else env
        out = cls()
        path = file if file is not None else env.get("DUTYGRAPH_SETTINGS") or None
        if path is not None:
            for name, value in _read_file(Path(path)).items():
                out._set(name, value, str(path))
        for setting in SETTINGS:
            if setting.env in env:
                out._set(setting.name, env[setting.env], setting.env)
        for name, value in flags:
            out._set(name.replace("-", "_"), value, f"--setting {name}")
        return out


def _read_file(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text("utf-8")
    except OSError as exc:
        raise UsageError(
            f"{path}: 无法读取设置文件 (cannot read the settings file): {exc}"
        ) from exc
    except UnicodeDecodeError:
        raise UsageError(f"{path}: 设置文件不是 UTF-8 (the settings file is not UTF-8)") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"{path}: 设置文件不是有效的 TOML (not valid TOML): {exc}") from None
    nested = [k for k, v in data.items() if isinstance(v, dict)]
    if nested:
        raise UsageError(
            f"{path}: 设置文件只能有 name = value 行 (a flat table); found section(s) {nested}"
        )
    return data


_current: Settings | None = None


def current() -> Settings:
    """The settings in force: those :func:`use` installed, else the environment's."""
    global _current
    if _current is None:
        _current = Settings.load()
    return _current


def use(settings: Settings | None) -> None:
    """Install ``settings`` as :func:`current` (``None``: read the environment again)."""
    global _current
    _current = settings


def _value(setting: Setting) -> str:
    v = setting.default
    if v is None:
        return "无 (none)"
    if isinstance(v, int) and v >= MiB and v % MiB == 0:
        return f"{v:_} ({v // MiB} MiB)".replace("_", ",")
    if isinstance(v, int):
        return f"{v:,}"
    return str(v)


def settings_table() -> str:
    """The README's table of settings (Markdown), from :data:`SETTINGS`.

    >>> settings_table().splitlines()[0]
    '| 设置 (setting) | 默认值 (default) | 环境变量 (environment) | 谁执行 (enforced by) | 含义 (meaning) |'
    """
    lines = [
        "| 设置 (setting) | 默认值 (default) | 环境变量 (environment) | 谁执行 (enforced by) | 含义 (meaning) |",
        "| --- | --- | --- | --- | --- |",
    ]
    for s in SETTINGS:
        who = "每次导入 (every import)" if s.scope == "readers" else "`dutygraph serve`"
        lines.append(f"| `{s.name}` | {_value(s)} | `{s.env}` | {who} | {s.help} |")
    return "\n".join(lines)
