"""The quiz engine and what surrounds it: question banks (bank, model), the engine, scheduling, the service that front ends call, and its text presentation."""
