"""GPT-assisted instruction data and EmoPrompt rationales (``lmms-emotion generate``).

Small modules, one job each; importing this package imports none of them (nor openai,
torch or transformers):

- :mod:`~lmms_emotion.instruct.cache`: the append-only request cache (resume without
  repeating a request), on :class:`lmms_emotion.jsonl.JsonlAppender`.
- :mod:`~lmms_emotion.instruct.client`: :class:`~lmms_emotion.instruct.client.ChatClient`,
  an async OpenAI(-compatible) client: ``await client.complete(messages, ...)`` with the
  cache, concurrency and rate limits, retries with backoff and jitter, cost accounting,
  ``--max-cost`` and key redaction. Reusable by anything that calls a chat model.
- :mod:`~lmms_emotion.instruct.ratelimit`, :mod:`~lmms_emotion.instruct.pricing`:
  requests/tokens-per-minute limiting; prices and token estimates.
- :mod:`~lmms_emotion.instruct.templates`: the versioned prompt templates shipped in
  ``lmms_emotion/resources/prompts/``.
- :mod:`~lmms_emotion.instruct.attributes`, :mod:`~lmms_emotion.instruct.captions`:
  the inputs per image (attribute text, captions from a file or a local captioner).
- :mod:`~lmms_emotion.instruct.jobs`: runs items (jobs) through a template with bounded
  repair and progress; :mod:`~lmms_emotion.instruct.generation_run`: what every
  ``generate`` command shares (settings, dry run, exit codes, the run summary).
- :mod:`~lmms_emotion.instruct.replies`: reading and checking replies.
- :mod:`~lmms_emotion.instruct.instructions`, :mod:`~lmms_emotion.instruct.rationales`:
  the two generators; :mod:`~lmms_emotion.instruct.outputs` writes records and
  LLaVA-style conversations.

See ``docs/data_generation.md``.
"""
