"""What the law asks of a face gate, in code: consent, encryption, audit, export, erasure.

See ../shared/PRIVACY.md for the rules each module enforces.
"""
