#!/bin/sh
# GPU check (see benchmarks/gpu_check.py): full-size random-weight InstructBLIP-Vicuna-7B and
# LLaVA-1.5-7B through the emovit / emollm wrappers and one EmoVIT training step, printing
# samples/s, peak GPU memory and MFU. Under 8 minutes on one H100; nothing is downloaded.
#   sh benchmarks/gpu_check.sh            # on a GPU machine
#   sh benchmarks/gpu_check.sh --smoke    # CPU smoke test (widths / 8, one layer per stack)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
python=${PYTHON:-python}
if [ -x "$here/../.venv/bin/python" ] && [ -z "${PYTHON:-}" ]; then
    python="$here/../.venv/bin/python"
fi
export HF_HUB_OFFLINE=1 TOKENIZERS_PARALLELISM=false
exec "$python" "$here/gpu_check.py" "$@"
