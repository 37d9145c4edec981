"""Review sentiment: the scoring and training jobs and what the Reviews page reads."""
