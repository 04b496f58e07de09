"""Packaging for lmms-emotion.

The repository keeps its rooms visible at the top level (``models/``, ``training/``,
``task_configs/``) while everything installs under the single namespace
``lmms_emotion`` through ``package_dir``.
"""

from pathlib import Path

from setuptools import find_packages, setup

HERE = Path(__file__).parent


def _subpackages(folder: str, namespace: str) -> list[str]:
    found = find_packages(where=folder)
    return [namespace] + [f"{namespace}.{name}" for name in found]


core_packages = find_packages(include=["lmms_emotion", "lmms_emotion.*"])
packages = (
    core_packages
    + _subpackages("models", "lmms_emotion.models")
    + _subpackages("training", "lmms_emotion.training")
    + _subpackages("task_configs", "lmms_emotion.task_configs")
)

extras = {
    "train": ["peft>=0.13", "tensorboard>=2.14"],
    "generate": ["tiktoken>=0.7"],  # exact token counts for --dry-run estimates (else chars/4)
    "report": ["matplotlib>=3.7"],
    # pyspellchecker: the English word list behind lmms_emotion/scoring/data/near_words.txt (tests only);
    # pytest-xdist: the suite runs on both cores, one test file per worker (make test, .ci/run)
    "test": ["pytest>=8", "pytest-timeout>=2.3", "pytest-xdist>=3.5", "matplotlib>=3.7", "peft>=0.13",
             "tensorboard>=2.14", "pyspellchecker>=0.8"],
}
extras["all"] = sorted({req for reqs in extras.values() for req in reqs})

setup(
    name="lmms-emotion",
    version="0.1.0",
    description="Visual emotion understanding tasks, models and training for lmms-eval (EmoVIT, EmoBench/EmoLLM).",
    long_description=(HERE / "README.md").read_text(encoding="utf-8") if (HERE / "README.md").exists() else "",
    long_description_content_type="text/markdown",
    license="Apache-2.0",
    python_requires=">=3.10",
    packages=packages,
    package_dir={
        "lmms_emotion.models": "models",
        "lmms_emotion.training": "training",
        "lmms_emotion.task_configs": "task_configs",
    },
    package_data={
        "lmms_emotion": ["resources/**/*", "resources/*", "scoring/data/*", "sources/*.json"],
        "lmms_emotion.task_configs": ["**/*.yaml", "**/_default_template_yaml", "**/*.md", "**/*.py", "**/*.jsonl"],
        "lmms_emotion.training": ["configs/*.yaml", "configs/*.json"],
    },
    include_package_data=False,
    install_requires=[
        "lmms-eval>=0.7.3",
        # lmms-eval 0.7.3's simple_evaluate() runs `import filelock._api` (its re-entrant lock
        # patch); filelock 4.3 moved that private module away, so every evaluation fails with
        # ModuleNotFoundError (4.2.12 and older work; 4.3.1 and 4.3.2 checked failing).
        # Lift this bound once an lmms-eval release no longer imports filelock._api.
        "filelock<4.3",
        "torch>=2.1",
        "transformers>=5.0,<6",
        "accelerate>=1.0",
        "datasets>=3.0",
        "decord>=0.6",
        "openai>=1.40",
        "tenacity>=8.2",  # retries of the generation/judge client (lmms_emotion/instruct/client.py)
        "pyyaml>=6.0",
        "pillow>=10.0",
        "numpy>=1.24",
        "tqdm>=4.66",
        "safetensors>=0.4",
    ],
    extras_require=extras,
    entry_points={
        "console_scripts": ["lmms-emotion = lmms_emotion.cli:main"],
        "lmms_eval.models": ["lmms_emotion = lmms_emotion.models:manifests"],
        "lmms_eval.tasks": ["lmms_emotion = lmms_emotion.task_configs:task_dir"],
    },
    classifiers=[
        "Programming Language :: Python :: 3",
        "License :: OSI Approved :: Apache Software License",
        "Topic :: Scientific/Engineering :: Artificial Intelligence",
    ],
)
