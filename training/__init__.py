"""Training recipes (EmoVIT Q-Former tuning, EmoLLM projector + LoRA), installed as ``lmms_emotion.training``."""
