"""menjin hub: the core of an async, privacy-first face-recognition gate controller."""

__version__ = "0.1.0"
