"""Automations: triggers, conditions and actions, written in YAML or from blueprints."""
