"""The entity model: base Entity, per-domain components and the built-in domains."""
