"""EmoPrompt: the text-side rules of the wrapper (:func:`finish_reasoned_text`, :func:`with_emoprompt`).

The realistic reasoning replies ending in a final-answer line are the ``E(...)`` rows of the
parser tables (tests/parser_tables/), scored through
:func:`lmms_emotion.scoring.hooks.process_results_emobench` exactly as lmms-eval scores an
``emollm`` response with ``emoprompt=true`` (tests/test_parser_tables.py).
"""

from __future__ import annotations

from lmms_emotion.models.emoprompt import emoprompt_instruction, finish_reasoned_text, with_emoprompt
from lmms_emotion.scoring.hooks import doc_to_text


def _doc(kind: str, label_set: str, modality: str, text: str, answer: str = "x") -> dict:
    from lmms_emotion.scoring.hooks import candidate_options

    return {"id": f"t/{kind}/{label_set}", "task": kind, "source": "table", "split": "test", "modality": modality,
            "text": text, "label_set": label_set, "options": candidate_options(kind, label_set), "answer": answer,
            "media_types": [modality], "media_paths": ["/nonexistent"], "meta": "{}"}


# --- the wrapper's text handling ----------------------------------------------------------------------


def test_stop_strings_do_not_cut_the_reasoning_and_the_final_line_ends_the_answer():
    text = "The sky is grey.\n\nThe man looks down.\nFinal answer: sadness\n\nUSER: and now?"
    assert finish_reasoned_text(text, ["\n\n"]) == "The sky is grey.\n\nThe man looks down.\nFinal answer: sadness"
    assert finish_reasoned_text("Cues...\nFinal answer:\nawe\nMore text", ["\n\n"]) == "Cues...\nFinal answer:\nawe"
    assert finish_reasoned_text("Cues. Final answer: joy USER: next", ["USER:"]) == "Cues. Final answer: joy"
    # no final-answer line: nothing is cut (the parser falls back to its other markers)
    assert finish_reasoned_text("It is dark.\n\nThe answer is fear", ["\n\n"]) == "It is dark.\n\nThe answer is fear"


def test_emoprompt_instruction_per_answer_form():
    closed = emoprompt_instruction("option", "image")
    assert "'Final answer: <option>'" in closed and "exactly as written" in closed and "faces" in closed
    assert "what they do" in closed  # intent cues too: the form, not the task kind, picks the sentence
    assert "across the frames" in emoprompt_instruction("option", "video")
    assert "'Final answer: <emotion>'" in emoprompt_instruction("emotion")
    assert "'Final answer: yes' or 'Final answer: no'" in emoprompt_instruction("yes_no", "video")
    assert "video clip shows" in emoprompt_instruction("yes_no", "video")
    assert "'Final answer: <answer>'" in emoprompt_instruction(None)


def test_the_answer_form_comes_from_documented_doc_fields():
    from lmms_emotion.models.emoprompt import answer_form

    assert answer_form(_doc("emotion_closed", "mikels8", "image", "")) == "option"
    assert answer_form(_doc("intent", "mintrec20", "video", "")) == "option"
    assert answer_form(_doc("emotion_open", "mikels8", "image", "")) == "emotion"
    assert answer_form(_doc("sarcasm", "yes_no", "video", "")) == "yes_no"
    assert answer_form({"question": "x"}) is None and answer_form(None) is None


def test_with_emoprompt_keeps_the_task_prompt_and_adds_one_line():
    doc = _doc("emotion_closed", "mikels8", "image", "")
    prompt = doc_to_text(doc)
    wrapped = with_emoprompt(prompt, doc)
    assert wrapped.startswith(prompt) and wrapped.count("\n") == 1
    assert wrapped.splitlines()[1] == emoprompt_instruction("option", "image")
    assert with_emoprompt("Is this a cat?", {"question": "x"}).endswith(emoprompt_instruction(None))
    yes_no = _doc("hate", "yes_no", "image", "a caption")
    assert with_emoprompt(doc_to_text(yes_no), yes_no).endswith(emoprompt_instruction("yes_no", "image"))


def test_emoprompt_module_is_import_light():
    import subprocess
    import sys

    code = ("import sys\nimport lmms_emotion.models.emoprompt\n"
            "print(','.join(m for m in ('torch', 'transformers', 'lmms_eval') if m in sys.modules))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == ""


def test_closed_set_instruction_matches_the_training_rationales():
    """The rationale export teaches 'Reason about the visual cues step by step ... Final answer: <option>';
    EmoPrompt at inference asks in the same words, so a tuned model sees what it learnt."""
    from lmms_emotion.instruct.templates import load_template

    train_question = load_template("rationale").extra["train_question"]
    ours = emoprompt_instruction("option")
    assert "Reason about the visual cues step by step" in train_question and ours.startswith(
        "Reason about the visual cues step by step")
    assert "give your answer on a last line of the form 'Final answer: <option>'" in train_question
    assert "give your answer on a last line of the form 'Final answer: <option>'" in ours
