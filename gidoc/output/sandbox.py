"""The Jinja sandbox with limits: a template from other hands can neither hang nor exhaust gidoc.

Jinja's :class:`~jinja2.sandbox.ImmutableSandboxedEnvironment` keeps a template
away from Python's internals, but not from the machine: ``n ** (n ** 8)`` runs
for hours in one C call, ``'a' * 10**10`` asks for 10 GB, two nested
``range(100000)`` loops take a day, a macro that calls itself ends in a
RecursionError.  :class:`BoundedEnvironment` refuses each of these before it
happens (operators on large operands, ``range()``, filters that pad or
repeat, the size of what a ``namespace`` holds, call depth), and
:func:`time_limit` stops a render that still runs too long.  The messages
are Chinese and say which limit was met.
"""

from __future__ import annotations

import contextlib
import math
import os
import re
import signal
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.utils import Namespace

#: Largest text or list (characters, items) a template may build: a whole report is ~50,000.
MAX_SIZE = 1_000_000
#: Most items one ``range()`` may yield.
MAX_RANGE = 100_000
#: Largest integer a template may compute, in bits (about 3,000 decimal digits).
MAX_INT_BITS = 10_000
#: Deepest nesting of calls (macros calling macros) a template may reach.
MAX_DEPTH = 50
#: Seconds a render may run before it is stopped; ``GIDOC_RENDER_TIMEOUT`` overrides.
RENDER_TIMEOUT = 30.0
TIMEOUT_ENV = "GIDOC_RENDER_TIMEOUT"
#: Widths in a format string (``%9999999d``, ``{:>9999999}``) that would pad past MAX_SIZE.
_WIDE_FORMAT = re.compile(r"[%:][^a-zA-Z%{}]*?\d{7,}|%[^a-zA-Z%]*\*")


class LimitExceeded(jinja2.TemplateRuntimeError):
    """A template met one of the sandbox's limits; the message says which (in Chinese)."""


class RenderTimeout(LimitExceeded):
    """A render ran past its time limit."""


def render_timeout() -> float:
    """The time limit in seconds: ``$GIDOC_RENDER_TIMEOUT`` when it is a positive number."""
    raw = os.environ.get(TIMEOUT_ENV, "")
    try:
        value = float(raw)
    except ValueError:
        return RENDER_TIMEOUT
    return value if value > 0 and math.isfinite(value) else RENDER_TIMEOUT


_state = threading.local()


def _deadline() -> float | None:
    return getattr(_state, "deadline", None)


def check_deadline() -> None:
    """Raise :class:`RenderTimeout` if the render in this thread is past its time limit."""
    deadline = _deadline()
    if deadline is not None and time.monotonic() > deadline:
        raise RenderTimeout(_timeout_message())


def _timeout_message() -> str:
    limit = getattr(_state, "limit", RENDER_TIMEOUT)
    return (
        f"填写超过 {limit:g} 秒仍未完成，已停止（模板中可能有过大的循环）；"
        f"确需更长时间时可设置环境变量 {TIMEOUT_ENV}（秒）"
    )


@contextlib.contextmanager
def time_limit(seconds: float | None = None) -> Iterator[None]:
    """Stop the render inside with :class:`RenderTimeout` after ``seconds`` (default: the limit).

    Every ``range()`` step and every call checks the deadline; in the main
    thread a timer signal also interrupts loops that make no call (over a long
    text, say).  A C-level operation cannot be interrupted, which is why the
    operators themselves are bounded.
    """
    limit = render_timeout() if seconds is None else seconds
    previous = (_deadline(), getattr(_state, "limit", None))
    _state.deadline = time.monotonic() + limit
    _state.limit = limit
    alarm = threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer")
    old_handler: Any = None
    if alarm:
        old_handler = signal.getsignal(signal.SIGALRM)
        if old_handler not in (signal.SIG_DFL, signal.SIG_IGN, None):
            alarm = False  # someone else's timer (a test runner's): rely on the checks

    def expire(signum: int, frame: Any) -> None:
        raise RenderTimeout(_timeout_message())

    if alarm:
        signal.signal(signal.SIGALRM, expire)
        signal.setitimer(signal.ITIMER_REAL, limit)
    try:
        yield
    finally:
        if alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, old_handler)
        _state.deadline, _state.limit = previous


def _too_big(what: str) -> LimitExceeded:
    return LimitExceeded(f"{what}超过模板允许的上限（{MAX_SIZE:,} 个字符或列表项），已停止")


def _size(value: Any) -> int | None:
    return len(value) if isinstance(value, str | list | tuple) else None


def _bits(value: Any) -> int:
    return abs(value).bit_length() if isinstance(value, int) and not isinstance(value, bool) else 0


def _check_power(left: Any, right: Any) -> None:
    if isinstance(left, int | float) and isinstance(right, int | float):
        if isinstance(right, int) and right > 0 and _bits(left) > 1:
            if (_bits(left) - 1) * right > MAX_INT_BITS:
                raise LimitExceeded(
                    f"乘方 {_short(left)} ** {_short(right)} 的结果过大"
                    f"（超过 {MAX_INT_BITS} 位二进制数），已停止"
                )
        elif isinstance(right, int) and _bits(right) > 64:
            raise LimitExceeded(f"乘方的指数 {_short(right)} 过大，已停止")


def _check_times(left: Any, right: Any) -> None:
    for sequence, count in ((left, right), (right, left)):
        size = _size(sequence)
        if size is not None and isinstance(count, int) and size * max(count, 0) > MAX_SIZE:
            raise _too_big("重复得到的文字或列表")
    if _bits(left) + _bits(right) > MAX_INT_BITS:
        raise LimitExceeded(f"乘积的结果过大（超过 {MAX_INT_BITS} 位二进制数），已停止")


def _check_format(text: Any) -> None:
    if isinstance(text, str) and _WIDE_FORMAT.search(text):
        raise LimitExceeded("格式中的宽度过大（或用 * 指定宽度），已停止")


def _short(value: Any) -> str:
    text = str(value) if _bits(value) < 200 else f"（{_bits(value)} 位的整数）"
    return text if len(text) <= 20 else text[:20] + "…"


class _BoundedRange:
    """``range()`` for templates: at most MAX_RANGE items, checking the deadline as it goes."""

    def __init__(self, *args: int) -> None:
        self._range = range(*args)
        if len(self._range) > MAX_RANGE:
            raise LimitExceeded(
                f"range() 最多 {MAX_RANGE:,} 项，模板要求 {len(self._range):,} 项，已停止"
            )

    def __iter__(self) -> Iterator[int]:
        for count, item in enumerate(self._range):
            if count % 1000 == 0:
                check_deadline()
            yield item

    def __len__(self) -> int:
        return len(self._range)

    def __contains__(self, item: object) -> bool:
        return item in self._range

    def __getitem__(self, index: Any) -> Any:
        return self._range[index]


class _BoundedNamespace(Namespace):
    """``namespace()`` whose attributes stay below MAX_SIZE: the only way a template accumulates."""

    def __setitem__(self, name: str, value: Any) -> None:
        size = _size(value)
        if size is not None and size > MAX_SIZE:
            raise _too_big("namespace 中保存的文字或列表")
        super().__setitem__(name, value)


def _bounded_filter(name: str, original: Callable[..., Any]) -> Callable[..., Any]:
    """A filter that pads or repeats, refusing widths and counts past MAX_SIZE."""

    def bounded(value: Any, *args: Any, **kwargs: Any) -> Any:
        check_deadline()
        numbers = [a for a in (*args, *kwargs.values()) if isinstance(a, int)]
        if name in ("center", "indent", "wordwrap", "truncate") and any(
            n > MAX_SIZE for n in numbers
        ):
            raise _too_big(f"过滤器 {name} 的宽度")
        if name == "indent":
            width = next((a for a in args if isinstance(a, int | str)), kwargs.get("width", 4))
            pad = width if isinstance(width, int) else len(width)
            if pad * (str(value).count("\n") + 1) + len(str(value)) > MAX_SIZE:
                raise _too_big("缩进后的文字")
        if name == "replace" and len(args) >= 2:
            text, old, new = str(value), str(args[0]), str(args[1])
            times = len(text) + 1 if not old else text.count(old)
            if len(text) + times * len(new) > MAX_SIZE:
                raise _too_big("替换后的文字")
        if name == "format":
            _check_format(value)
        return original(value, *args, **kwargs)

    bounded.__name__ = original.__name__
    for attribute in ("jinja_pass_arg",):  # keep @pass_eval_context and the like
        if hasattr(original, attribute):
            setattr(bounded, attribute, getattr(original, attribute))
    return bounded


#: Names a dict has as attributes (``items``, ``get``…): ``d.items`` means the method.
_DICT_NAMES = frozenset(dir(dict))


class BoundedEnvironment(ImmutableSandboxedEnvironment):
    """The sandbox gidoc renders templates in; see the module's doc for the limits."""

    intercepted_binops = frozenset({"*", "**", "%", "+", "//"})

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.globals["range"] = _BoundedRange
        self.globals["namespace"] = _BoundedNamespace
        # lipsum writes random Latin: nothing a report needs, and it can be asked for millions.
        self.globals.pop("lipsum", None)
        for name in ("center", "indent", "wordwrap", "truncate", "replace", "format"):
            self.filters[name] = _bounded_filter(name, self.filters[name])

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        """Refuse operations whose result would be huge, before Python starts computing it."""
        if operator == "**":
            _check_power(left, right)
        elif operator == "*":
            _check_times(left, right)
        elif operator == "%":
            _check_format(left)
        elif operator == "+":
            sizes = (_size(left), _size(right))
            if None not in sizes and sum(sizes) > MAX_SIZE:  # type: ignore[arg-type]
                raise _too_big("相加得到的文字或列表")
        return super().call_binop(context, operator, left, right)

    def getattr(self, obj: Any, attribute: str) -> Any:
        """``a.b`` on the context's dicts, without the failed attribute lookup first.

        The sandbox tries ``getattr(obj, 'b')`` and, on AttributeError, ``obj['b']``;
        for a plain dict and a name no dict attribute has, the first step can only
        fail, and raising it costs about a third of a report's render.
        """
        if type(obj) is dict and attribute not in _DICT_NAMES:
            try:
                return obj[attribute]
            except KeyError:
                return self.undefined(obj=obj, name=attribute)
        return super().getattr(obj, attribute)

    def format_string(self, s: str, args: Any, kwargs: Any, format_func: Any = None) -> str:
        """``'{:>9999999}'.format(x)``: refuse widths that would pad past MAX_SIZE."""
        _check_format(s)
        return super().format_string(s, args, kwargs, format_func)  # type: ignore[misc]

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805
        """Every call counts towards the depth limit and checks the deadline."""
        check_deadline()
        depth = getattr(_state, "depth", 0)
        if depth >= MAX_DEPTH:
            raise LimitExceeded(f"调用嵌套超过 {MAX_DEPTH} 层（宏是否在调用自身？），已停止")
        _state.depth = depth + 1
        try:
            return super().call(__context, __obj, *args, **kwargs)
        finally:
            _state.depth = depth
