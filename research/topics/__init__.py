"""LDA topic models (gensim): tokens, K selection, seeded LDA, stability, per-city prevalence."""
