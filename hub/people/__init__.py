"""People, their groups, guardians, schedules, gates and the access log.

Start from `PeopleStore` (store.py): it wires every repository to one database.
"""
