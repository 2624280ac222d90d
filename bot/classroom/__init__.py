"""Classroom quiz sessions: classes led by a teacher, live sessions with timed questions, fair scoring, the
projector's view and the teacher's report. Takes the caller's session, ``now`` and randomness as parameters, like the
quiz engine it drives (every answer in a lesson also feeds the student's own mastery and spaced review); imports
no front end (``bot.telegram``, ``bot.web`` and ``bot.cli`` call it)."""
