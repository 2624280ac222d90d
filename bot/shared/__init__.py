"""Standard library only: imported by both environments (the Rasa server's ``.venv-rasa`` and the app's ``.venv``).

The import contract in ``pyproject.toml`` (``[tool.importlinter]``) keeps any third-party import out of here.
"""
