"""The quiz engine and what surrounds it: the question banks (bank, model), the engine (a package split by job),
FSRS scheduling, the service that front ends call, and the quiz's text presentation."""
