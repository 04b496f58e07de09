"""The data of `make eval`'s demo loop: ``sample-data emoset --learnable`` writes images whose colour
gives away the emotion (so the tiny EmoVIT has something to learn), through the real command."""

from __future__ import annotations

import json

from PIL import Image

from lmms_emotion.cli import main
from lmms_emotion.testing.raw_emoset import LEARNABLE_COLOURS, LEARNABLE_COUNTS


def _dominant(path) -> tuple[int, int, int]:
    with Image.open(path) as image:
        colours = image.convert("RGB").quantize(colors=4).convert("RGB").getcolors()
    return max(colours)[1]


def test_learnable_sample_is_colour_coded(tmp_path, capsys):
    from PIL import ImageColor

    out = tmp_path / "EmoSet-118K"
    assert main(["sample-data", "emoset", "--learnable", "--out", str(out)]) == 0
    assert "learnable (colour-coded) emoset sample" in capsys.readouterr().out
    rows = json.loads((out / "train.json").read_text())
    assert len(rows) == 8 * LEARNABLE_COUNTS["train"]
    for emotion, _image_id, image, _annotation in rows[:: LEARNABLE_COUNTS["train"]]:
        want = ImageColor.getrgb(LEARNABLE_COLOURS[emotion])
        got = _dominant(out / image)
        assert max(abs(a - b) for a, b in zip(got, want)) < 100, (emotion, got, want)
    assert len(set(LEARNABLE_COLOURS.values())) == 8  # one colour per emotion


def test_learnable_is_refused_where_no_writer_has_it(tmp_path, capsys):
    assert main(["sample-data", "fi", "--learnable", "--out", str(tmp_path / "fi")]) == 2
    assert "no learnable sample for 'fi'; --learnable works for: emoset" in capsys.readouterr().err
