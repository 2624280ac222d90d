"""The assistant's own logic, in the app environment: reading a parse (analysis), teaching replies from the
knowledge base (teach) and the held-out NLU evaluation. No Rasa, database or front-end imports."""
