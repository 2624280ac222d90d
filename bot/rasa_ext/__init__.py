"""Code that runs inside the Rasa server's environment (.venv-rasa): imports Rasa, never the app's libraries."""
