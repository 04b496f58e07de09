"""A durable on-disk cache for the open-set judge of the plugin's EmoBench tasks.

``lmms_eval.llm_judge`` has no cache, so without one every run of an EmoBench task with a
judge (``metadata.judge`` in ``task_configs/emobench/_default_template_yaml``) would ask again
about every answer the lexicon leaves unplaced. The plugin's ``emobench/utils.py`` binds its
judge through :func:`judge_for` here, which puts :class:`CachedJudgeServer` between the
judge (:class:`lmms_emotion.scoring.judge.OpenSetJudge`) and the provider. The upstream
export drops that import, so exported task folders carry no cache.

**Where.** ``$XDG_CACHE_HOME/lmms-emotion/judge/`` (``~/.cache/lmms-emotion/judge/`` when
``XDG_CACHE_HOME`` is unset), one JSONL file per provider and model
(``openai--gpt-4o-mini.jsonl``). **To clear it**, delete that folder or one model's file
(``rm -r ~/.cache/lmms-emotion/judge``); the next run asks the judge again.

**What.** One line per successful reply, appended as it arrives (:class:`~lmms_emotion.
instruct.cache.ResponseCache` on :class:`lmms_emotion.jsonl.JsonlAppender`), so a killed run
keeps what it got and the next run does not ask again. The key is the sha256 of the judge
prompt version, the system prompt, provider, model, ``max_tokens`` and the messages (the
categories and the answer); never an API key or a header. Failed requests are not stored and
are asked again next run. A damaged line is skipped (one warning names the file and the line
of the first, and how many); a folder that cannot be written gives one warning and the run
goes on uncached. Thread-safe: lmms-eval may call the hooks from several threads.
"""

from __future__ import annotations

import os
import re
import threading
import warnings
from pathlib import Path
from typing import Any

from lmms_emotion.instruct.cache import ResponseCache, request_key
from lmms_emotion.jsonl import iter_jsonl
from lmms_emotion.scoring import judge as scoring_judge

__all__ = ["CachedJudgeServer", "JudgeCacheWarning", "cache_dir", "cache_file", "judge_for"]


class JudgeCacheWarning(UserWarning):
    """The judge cache skipped a damaged line or cannot be written (the run goes on)."""


def cache_dir() -> Path:
    """``$XDG_CACHE_HOME/lmms-emotion/judge`` (``~/.cache/lmms-emotion/judge`` without ``XDG_CACHE_HOME``)."""
    base = os.environ.get("XDG_CACHE_HOME", "").strip()
    return (Path(base).expanduser() if base else Path.home() / ".cache") / "lmms-emotion" / "judge"


def cache_file(settings: scoring_judge.JudgeSettings) -> Path:
    """One provider's and model's cache file: ``<cache_dir>/<provider>--<model>.jsonl`` (odd characters as ``_``)."""
    name = re.sub(r"[^A-Za-z0-9._-]", "_", f"{settings.provider}--{settings.model}")
    return cache_dir() / f"{name}.jsonl"


def _damaged_lines(path: Path) -> list[int]:
    """Line numbers of non-blank lines that are no cache entry (not JSON, or JSON without a ``key``)."""
    good = {row.line for row in iter_jsonl(path, invalid="skip", missing_ok=True)
            if isinstance(row.value, dict) and isinstance(row.value.get("key"), str)}
    try:
        lines = path.read_bytes().split(b"\n")
    except OSError:
        return []
    return [number for number, raw in enumerate(lines, start=1) if raw.strip() and number not in good]


class CachedJudgeServer:
    """An ``lmms_eval.llm_judge`` server stand-in: replies from the cache, else asks ``server`` and stores the reply.

    ``server`` defaults to ``lmms_eval.llm_judge.get_server(provider, ...)``, created on the first
    cache miss (a fully cached run needs no provider and no key); ``path`` to :func:`cache_file`.
    """

    def __init__(self, settings: scoring_judge.JudgeSettings, server: Any = None,
                 path: str | os.PathLike | None = None) -> None:
        self.settings = settings
        self.path = Path(path) if path is not None else cache_file(settings)
        self._server = server
        self._config = None
        self._cache: ResponseCache | None = None
        self._opened = False
        self._lock = threading.Lock()
        self.counts = {"hits": 0, "misses": 0, "stored": 0, "damaged_lines": 0}

    @property
    def config(self):
        """The request configuration (the wrapped server's, else built from the settings)."""
        if self._server is not None:
            return self._server.config
        if self._config is None:
            self._config = scoring_judge.server_config(self.settings)
        return self._config

    def _inner(self):
        with self._lock:
            if self._server is None:
                from lmms_eval.llm_judge import get_server

                self._server = get_server(self.settings.provider, self.config)
            return self._server

    def _open(self) -> ResponseCache | None:
        """The cache, opened on first use; None when it cannot be (warned once)."""
        if not self._opened:
            self._opened = True
            try:
                self._cache = ResponseCache(self.path)
            except OSError as err:
                warnings.warn(f"judge cache: cannot write {self.path} ({err}); this run asks the judge without "
                              f"a cache. Make {self.path.parent} writable or set XDG_CACHE_HOME to a writable "
                              "folder", JudgeCacheWarning, stacklevel=4)
                return None
            damaged = _damaged_lines(self.path)
            self.counts["damaged_lines"] = len(damaged)
            if damaged:
                warnings.warn(f"judge cache: {self.path}:{damaged[0]}: damaged line skipped ({len(damaged)} in all); "
                              "those answers are asked again. Delete the file to start the cache afresh",
                              JudgeCacheWarning, stacklevel=4)
        return self._cache

    def key(self, messages: Any) -> str:
        """The cache key of one request (see the module docstring); holds no credential."""
        s = self.settings
        params = {"provider": s.provider, "max_tokens": s.max_tokens, "system_prompt": scoring_judge.SYSTEM_PROMPT}
        return request_key(s.model, scoring_judge.JUDGE_PROMPT_VERSION, messages, params)

    def evaluate(self, request: Any) -> Any:
        """The cached reply to ``request`` (an ``llm_judge.Request``), else the provider's, stored if it succeeded."""
        from lmms_eval.llm_judge import Response

        key = self.key(request.messages)
        with self._lock:
            cache = self._open()
            entry = cache.get(key) if cache is not None else None
            self.counts["hits" if entry is not None else "misses"] += 1
        if entry is not None:
            return Response(content=entry.get("content") or "", model_used=self.settings.model)
        response = self._inner().evaluate(request)
        if cache is not None and getattr(response, "success", True):
            self._store(cache, key, response)
        return response

    def _store(self, cache: ResponseCache, key: str, response: Any) -> None:
        with self._lock:
            if self._cache is None:
                return
            try:
                cache.put(key, {"content": response.content or "", "version": scoring_judge.JUDGE_PROMPT_VERSION})
                self.counts["stored"] += 1
            except OSError as err:
                self._cache = None
                warnings.warn(f"judge cache: cannot append to {self.path} ({err}); the rest of this run is not "
                              "cached", JudgeCacheWarning, stacklevel=5)

    def close(self) -> None:
        """Close the cache file (a later request opens nothing again: it goes uncached)."""
        with self._lock:
            if self._cache is not None:
                self._cache.close()
                self._cache = None


def judge_for(settings: scoring_judge.JudgeSettings | None) -> scoring_judge.OpenSetJudge | None:
    """:func:`lmms_emotion.scoring.judge.judge_for` with the durable cache: one judge per settings, or None."""
    return scoring_judge.judge_for(settings, CachedJudgeServer)
