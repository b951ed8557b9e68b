"""Is the data right: validation into Problems, the official cross-checks, reviewers' warnings, last year's report."""
