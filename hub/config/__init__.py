"""Loading and validating the YAML configuration folder."""
