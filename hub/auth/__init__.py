"""Users, roles, passwords, tokens and sessions for the API and the web UI."""
