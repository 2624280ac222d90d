"""Parent-student awareness campaigns (issue 11): campaign definitions (``campaigns/*.yml``), enrolment and family
links with consent, the weekly schedule and its deliveries, the campaign quizzes, the family safety plan and the
organiser's reports. Like :mod:`bot.classroom`, it imports no front end: the service takes the database and the
clock, the engine functions take the session and ``now``."""
