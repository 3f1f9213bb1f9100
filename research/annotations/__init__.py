"""Gold annotations: the codebook's labels for every corpus unit, their agreement, and checks."""
