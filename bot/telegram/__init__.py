"""The Telegram front end (python-telegram-bot 22): ``bot.telegram.app`` wires the Application."""
