"""The usage options that ``cost``, ``estimate`` and ``compare`` share, declared once.

Typer has no parameter objects, so :func:`usage_options` adds one option per
``runtime.Usage`` count to a command's signature, in the place of its
``counts: UsageCounts`` parameter, and hands the command the values as one
:class:`UsageCounts`.  A count the runtime learns is then an option of all
three commands at once (a test checks that every Usage field has one).
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar

import typer

from modelctl import runtime
from modelctl.cli.common import count_option
from modelctl.cli.common import given as given_on_command_line

# (Usage field, option, help): the order of --help and of docs/cli.md.
USAGE_OPTIONS: tuple[tuple[str, str, str], ...] = (
    ("input_tokens", "--input", "Uncached input tokens."),
    ("output_tokens", "--output", "Output tokens (without reasoning tokens billed apart)."),
    ("cached_input_tokens", "--cached", "Cached input tokens (cache reads)."),
    ("cache_write_tokens", "--cache-write", "Tokens written to the cache (5-minute lifetime)."),
    ("cache_write_1h_tokens", "--cache-write-1h", "Tokens written to the cache (1-hour lifetime)."),
    ("cache_write_12h_tokens", "--cache-write-12h", "Tokens written to the cache (12-hour lifetime)."),
    ("reasoning_tokens", "--reasoning", "Reasoning tokens."),
    ("input_audio_tokens", "--input-audio", "Audio input tokens."),
    ("cached_input_audio_tokens", "--cached-audio", "Cached audio input tokens."),
    ("output_audio_tokens", "--output-audio", "Audio output tokens."),
    ("input_image_tokens", "--input-image", "Image input tokens."),
    ("cached_input_image_tokens", "--cached-image", "Cached image input tokens."),
    ("output_image_tokens", "--output-image", "Image output tokens."),
    ("input_video_tokens", "--input-video", "Video input tokens."),
    ("input_audio_seconds", "--input-audio-seconds", "Seconds of audio input (priced per minute)."),
    ("seconds", "--seconds", "Seconds of use (priced per_second)."),
    ("web_search_requests", "--web-search", "Web-search calls (priced per 1,000)."),
    ("file_search_requests", "--file-search", "File-search calls (priced per 1,000)."),
    ("requests", "--requests", "Requests (a per-request fee applies to each)."),
    ("images", "--images", "Generated images (priced per_image)."),
)
PANEL = "Usage (disjoint counts: 1500, 1,500, 1.5k or 2M)"
# Each count's default is the runtime's own (requests 1, every other count 0).
_DEFAULTS: Mapping[str, int] = runtime.Usage._field_defaults


@dataclass(frozen=True)
class UsageCounts:
    """The usage options as given: each Usage field's count, and whether --requests was given."""

    counts: Mapping[str, int]
    requests_given: bool

    @property
    def given(self) -> bool:
        """Whether anything was given to price: a count other than its default, or --requests."""
        return bool(self.options_given)

    @property
    def options_given(self) -> tuple[str, ...]:
        """The options given, by their names (to say which ones clash with another option)."""
        return tuple(
            option
            for field, option, _ in USAGE_OPTIONS
            if self.counts[field] != _DEFAULTS[field] or (field == "requests" and self.requests_given)
        )

    def usage(self) -> runtime.Usage:
        return runtime.Usage(**self.counts)


def _parameter(field: str, option: str, help_text: str) -> inspect.Parameter:
    declared = count_option(option, help_text, show_default=field == "requests", panel=PANEL)
    kind = inspect.Parameter.KEYWORD_ONLY
    return inspect.Parameter(field, kind, default=_DEFAULTS[field], annotation=Annotated[int, declared])


_CONTEXT = "usage_options_context"
_F = TypeVar("_F", bound=Callable[..., None])


def usage_options(command: _F) -> _F:
    """Give ``command`` the usage options in the place of its ``counts`` parameter."""
    signature = inspect.signature(command, eval_str=True)
    # Typer passes the context to a parameter annotated typer.Context: to tell --requests given from its default.
    params = [inspect.Parameter(_CONTEXT, inspect.Parameter.KEYWORD_ONLY, annotation=typer.Context)]
    for param in signature.parameters.values():
        if param.name == "counts":
            params.extend(_parameter(*spec) for spec in USAGE_OPTIONS)
        else:
            params.append(param.replace(kind=inspect.Parameter.KEYWORD_ONLY))
    if len(params) == len(signature.parameters) + 1:
        raise TypeError(f"{command.__name__} has no `counts` parameter for the usage options")
    fields = tuple(field for field, _, _ in USAGE_OPTIONS)

    @functools.wraps(command)
    def wrapper(**kwargs: Any) -> None:
        counts = {field: kwargs.pop(field) for field in fields}
        given = given_on_command_line(kwargs.pop(_CONTEXT), "requests")
        command(counts=UsageCounts(counts, given), **kwargs)

    wrapper.__signature__ = signature.replace(parameters=params)  # type: ignore[attr-defined]
    wrapper.__annotations__ = {p.name: p.annotation for p in params} | {"return": None}
    return wrapper  # type: ignore[return-value]
