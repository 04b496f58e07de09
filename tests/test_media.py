"""lmms_emotion.media: safe paths, strict image decoding, video frame sampling."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
import threading
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageFile

from lmms_emotion import media
from lmms_emotion.media import MediaError
from lmms_emotion.testing.media_files import (
    STAMP_ROWS,
    frame_stamp_level,
    write_corrupt_image,
    write_corrupt_video,
    write_not_an_image,
)

# --- paths ----------------------------------------------------------------------------


def test_resolve_joins_and_normalises(tmp_path: Path) -> None:
    assert media.resolve_media_path(tmp_path, "a/b.jpg") == tmp_path / "a" / "b.jpg"
    assert media.resolve_media_path(tmp_path, "./a/./b.jpg") == tmp_path / "a" / "b.jpg"
    assert media.resolve_media_path(str(tmp_path), "a/x/../b.jpg") == tmp_path / "a" / "b.jpg"
    assert media.resolve_media_path(tmp_path, "a\\b.jpg") == tmp_path / "a" / "b.jpg"


@pytest.mark.parametrize(
    "rel",
    ["/etc/passwd", "../secret.jpg", "a/../../secret.jpg", "..", "a\\..\\..\\x.jpg", "C:/x.jpg", "", ".", "a/\x00.jpg"],
)
def test_resolve_rejects_unsafe_paths(tmp_path: Path, rel: str) -> None:
    with pytest.raises(MediaError) as info:
        media.resolve_media_path(tmp_path / "media", rel)
    message = str(info.value)
    assert repr(rel) in message and str(tmp_path / "media") in message
    assert isinstance(info.value, ValueError)


def test_resolve_allows_symlinked_root(tmp_path: Path, image_file_factory) -> None:
    real = tmp_path / "raw_dataset"
    real.mkdir()
    image = image_file_factory("x.jpg")
    os.replace(image, real / "x.jpg")
    root = tmp_path / "data" / "media"
    root.parent.mkdir()
    root.symlink_to(real, target_is_directory=True)
    path = media.resolve_media_path(root, "x.jpg")
    assert path == root / "x.jpg"  # not resolved through the link
    assert media.open_image(path).size == (64, 48)


# --- images ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["a.jpg", "a.png", "a.JPEG"])
def test_open_good_images(image_file_factory, name: str) -> None:
    path = image_file_factory(name, size=(40, 30), color="red")
    image = media.open_image(path)
    assert image.mode == "RGB" and image.size == (40, 30)
    r, g, b = np.asarray(image).reshape(-1, 3).mean(axis=0)
    assert r > 200 and g < 60 and b < 60
    assert media.verify_image(path) == (40, 30)


@pytest.mark.parametrize("mode", ["L", "RGBA", "P"])
def test_open_converts_modes_to_rgb(tmp_path: Path, mode: str) -> None:
    path = tmp_path / f"m_{mode}.png"
    Image.new(mode, (8, 6)).save(path)
    image = media.open_image(path)
    assert image.mode == "RGB" and image.size == (8, 6)


def test_written_images_are_deterministic(image_file_factory) -> None:
    a = image_file_factory("a.png", seed=3)
    b = image_file_factory("b.png", seed=3)
    c = image_file_factory("c.png", seed=4)
    assert a.read_bytes() == b.read_bytes() != c.read_bytes()


@pytest.mark.parametrize("truncated_flag", [False, True])
def test_truncated_jpeg_is_rejected_whatever_the_pil_flag(tmp_path: Path, monkeypatch, truncated_flag: bool) -> None:
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", truncated_flag)
    path = write_corrupt_image(tmp_path / "cut.jpg")
    with Image.open(path) as header_only:  # the header alone is fine: only a full decode notices
        assert header_only.size == (128, 96)
    for check in (media.open_image, media.verify_image):
        with pytest.raises(MediaError) as info:
            check(path)
        assert str(path) in str(info.value) and "re-download" in str(info.value)
    assert ImageFile.LOAD_TRUNCATED_IMAGES is truncated_flag  # restored


def test_truncated_jpeg_is_rejected_after_importing_lmms_eval(tmp_path: Path) -> None:
    importlib.import_module("lmms_eval.api.task")  # sets PIL's LOAD_TRUNCATED_IMAGES = True globally

    assert ImageFile.LOAD_TRUNCATED_IMAGES is True
    path = write_corrupt_image(tmp_path / "cut.jpg")
    with pytest.raises(MediaError):
        media.open_image(path)
    assert ImageFile.LOAD_TRUNCATED_IMAGES is True


def test_not_an_image_and_missing_and_directory(tmp_path: Path) -> None:
    junk = write_not_an_image(tmp_path / "page.jpg")
    with pytest.raises(MediaError, match="page.jpg"):
        media.open_image(junk)
    missing = tmp_path / "nowhere" / "gone.jpg"
    with pytest.raises(FileNotFoundError) as info:
        media.open_image(missing)
    assert str(missing) in str(info.value)
    with pytest.raises(FileNotFoundError, match="gone.jpg"):
        media.verify_image(missing)
    with pytest.raises(MediaError, match="not a regular file"):
        media.open_image(tmp_path)


def test_concurrent_strict_decodes(tmp_path: Path, image_file_factory, monkeypatch) -> None:
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    good = [image_file_factory() for _ in range(4)]
    bad = write_corrupt_image(tmp_path / "cut.jpg")
    outcomes: list[str] = []

    def work(path: Path) -> None:
        for _ in range(10):
            try:
                media.open_image(path)
                outcomes.append("ok" if path != bad else "BAD-ACCEPTED")
            except MediaError:
                outcomes.append("rejected" if path == bad else "GOOD-REJECTED")

    threads = [threading.Thread(target=work, args=(p,)) for p in [*good, bad, bad]]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(set(outcomes)) == ["ok", "rejected"]
    assert ImageFile.LOAD_TRUNCATED_IMAGES is True


def test_strict_decodes_do_not_serialise(monkeypatch) -> None:
    """Two threads can be inside the strict-decoding window at once (no process-wide decode lock)."""
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    first_inside, second_done = threading.Event(), threading.Event()
    seen: list[bool] = []

    def first() -> None:
        with media._strict_pillow():
            first_inside.set()
            # the second thread must get in and out while this one is still decoding
            seen.append(second_done.wait(timeout=5))
            seen.append(ImageFile.LOAD_TRUNCATED_IMAGES)

    def second() -> None:
        first_inside.wait(timeout=5)
        with media._strict_pillow():
            seen.append(ImageFile.LOAD_TRUNCATED_IMAGES)
        second_done.set()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    # second saw strict mode; first waited successfully and was still strict after the second left
    assert seen == [False, True, False]
    assert ImageFile.LOAD_TRUNCATED_IMAGES is True


def test_media_module_is_import_light() -> None:
    code = (
        "import sys, lmms_emotion.media, lmms_emotion.testing;"
        "heavy = [m for m in ('torch', 'transformers', 'PIL', 'decord', 'av', 'lmms_eval') if m in sys.modules];"
        "assert not heavy, heavy"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# --- frame indices --------------------------------------------------------------------


def test_frame_indices_examples() -> None:
    assert media.video_frame_indices(16, 8) == [1, 3, 5, 7, 9, 11, 13, 15]
    assert media.video_frame_indices(100, 4) == [12, 37, 62, 87]
    assert media.video_frame_indices(10, 1) == [5]
    assert media.video_frame_indices(5, 8) == [0, 1, 2, 3, 4]
    assert media.video_frame_indices(8, 8) == list(range(8))
    assert media.video_frame_indices(0, 8) == []


@pytest.mark.parametrize("num_total", [1, 7, 9, 31, 100, 1001])
@pytest.mark.parametrize("num_frames", [1, 4, 8, 16])
def test_frame_indices_properties(num_total: int, num_frames: int) -> None:
    indices = media.video_frame_indices(num_total, num_frames)
    assert len(indices) == min(num_total, num_frames)
    assert all(0 <= i < num_total for i in indices)
    assert indices == sorted(set(indices))
    if num_total > num_frames:  # the frame under the centre of each of num_frames equal segments
        for k, index in enumerate(indices):
            centre = Fraction(2 * k + 1, 2) * Fraction(num_total, num_frames)
            assert index <= centre < index + 1
            assert Fraction(k * num_total, num_frames) < index + 1 and index < Fraction((k + 1) * num_total, num_frames)
    assert indices == media.video_frame_indices(num_total, num_frames)


@pytest.mark.parametrize("args", [(10, 0), (-1, 4)])
def test_frame_indices_reject_bad_arguments(args) -> None:
    with pytest.raises(ValueError):
        media.video_frame_indices(*args)


# --- videos ---------------------------------------------------------------------------


def _stamps(frames) -> list[int]:
    return [int(round(np.asarray(f)[:STAMP_ROWS].mean())) for f in frames]


def test_decord_and_pyav_return_the_same_frames(video_file_factory) -> None:
    path = video_file_factory("clip.mp4", num_frames=16, fps=8, size=(64, 48))
    by_backend = {b: media.sample_video_frames(path, num_frames=8, backend=b) for b in ("decord", "pyav", "auto")}
    expected = [frame_stamp_level(i) for i in media.video_frame_indices(16, 8)]
    for backend, frames in by_backend.items():
        assert len(frames) == 8, backend
        assert all(f.size == (64, 48) and f.mode == "RGB" for f in frames), backend
        assert all(abs(s - e) <= 3 for s, e in zip(_stamps(frames), expected)), (backend, _stamps(frames))
    decord = np.stack([np.asarray(f, dtype=np.int16) for f in by_backend["decord"]])
    pyav = np.stack([np.asarray(f, dtype=np.int16) for f in by_backend["pyav"]])
    assert np.abs(decord - pyav).mean() < 2.0


def test_video_info_agrees_across_backends(video_file_factory) -> None:
    path = video_file_factory(num_frames=12, fps=6, size=(32, 24))
    expected = {"num_frames": 12, "fps": 6.0, "duration_s": 2.0, "width": 32, "height": 24}
    for backend in ("decord", "pyav", "auto"):
        info = media.video_info(path, backend=backend)
        assert info == pytest.approx(expected), backend


def test_short_video_gives_all_frames(video_file_factory) -> None:
    path = video_file_factory(num_frames=5)
    for backend in ("decord", "pyav"):
        frames = media.sample_video_frames(path, num_frames=8, backend=backend)
        assert len(frames) == 5
        assert all(abs(s - frame_stamp_level(i)) <= 3 for i, s in enumerate(_stamps(frames)))


@pytest.mark.parametrize("backend", ["auto", "decord", "pyav"])
def test_corrupt_and_missing_videos(tmp_path: Path, backend: str) -> None:
    bad = write_corrupt_video(tmp_path / "cut.mp4")
    with pytest.raises(MediaError) as info:
        media.sample_video_frames(bad, backend=backend)
    assert str(bad) in str(info.value) and "re-download" in str(info.value)
    with pytest.raises(MediaError, match="cut.mp4"):
        media.video_info(bad, backend=backend)
    missing = tmp_path / "gone.mp4"
    with pytest.raises(FileNotFoundError, match="gone.mp4"):
        media.sample_video_frames(missing, backend=backend)


def test_unknown_backend(video_file_factory) -> None:
    with pytest.raises(ValueError, match="unknown video backend"):
        media.sample_video_frames(video_file_factory(), backend="opencv")


def test_auto_falls_back_to_pyav_without_decord(video_file_factory, monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "decord", None)  # import decord -> ImportError
    path = video_file_factory(num_frames=16)
    frames = media.sample_video_frames(path, num_frames=4, backend="auto")
    assert len(frames) == 4
    with pytest.raises(ImportError):
        media.sample_video_frames(path, backend="decord")


def test_root_resolver_refuses_links_leading_out_of_the_root(tmp_path):
    root, outside = tmp_path / "root", tmp_path / "outside"
    (root / "real").mkdir(parents=True)
    outside.mkdir()
    (root / "real" / "a.jpg").write_bytes(b"x")
    (outside / "b.jpg").write_bytes(b"y")
    (root / "inner_link").symlink_to(root / "real", target_is_directory=True)  # stays inside: fine
    (root / "out_dir").symlink_to(outside, target_is_directory=True)  # a folder leading out
    (root / "real" / "out_file.jpg").symlink_to(outside / "b.jpg")  # a file leading out
    (root / "real" / "dangling.jpg").symlink_to(outside / "gone.jpg")  # leads nowhere: left to "does not exist"
    link_root = tmp_path / "root_link"
    link_root.symlink_to(root, target_is_directory=True)  # the root itself may be a link
    for base in (root, link_root):
        resolve = media.RootResolver(base)
        assert resolve("real/a.jpg") == base / "real" / "a.jpg"
        assert resolve("inner_link/a.jpg") == base / "inner_link" / "a.jpg"
        assert resolve("real/dangling.jpg") == base / "real" / "dangling.jpg"
        for rel in ("out_dir/b.jpg", "real/out_file.jpg"):
            with pytest.raises(media.MediaError, match="leads outside the root"):
                resolve(rel)
            with pytest.raises(media.MediaError, match="--follow-symlinks"):
                media.resolve_under_root(base, rel)
            assert media.resolve_under_root(base, rel, follow_symlinks=True) == base / rel
        with pytest.raises(media.MediaError, match="escapes the media root"):
            resolve("../outside/b.jpg")
