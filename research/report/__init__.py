"""City emphasis: statistics with uncertainty, publication figures and tables."""
