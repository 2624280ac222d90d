"""Loaded by the Rasa server at run time (not a training input: changing it does not retrain the model).

Like ``bot.rasa_ext`` it runs in the Rasa environment, and imports nothing of ours.
"""
