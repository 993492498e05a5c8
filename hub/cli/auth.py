"""`menjin auth`: create users and tokens. The first user must be an admin."""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from typing import Any

from hub.auth.models import Role
from hub.auth.store import AuthError, AuthStore
from hub.cli.common import add_config_argument
from hub.const import STORAGE_DIR


def register(subparsers: Any) -> None:
    """Add `auth add-user | list-users | create-token`."""
    parser: argparse.ArgumentParser = subparsers.add_parser("auth", help="users and tokens")
    actions = parser.add_subparsers(dest="auth_action", required=True, metavar="ACTION")
    add = actions.add_parser("add-user", help="create a user (asks for the password)")
    add_config_argument(add)
    add.add_argument("username")
    add.add_argument("--role", choices=[role.value for role in Role], required=True)
    add.add_argument("--name", default="")
    add.add_argument("--person", action="append", default=[], dest="person_ids",
                     help="for guardians: a child's person id (repeatable)")
    add.add_argument("--password-stdin", action="store_true",
                     help="read the password from standard input (scripts)")
    add.set_defaults(func=add_user)
    listing = actions.add_parser("list-users", help="list users")
    add_config_argument(listing)
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(func=list_users)
    token = actions.add_parser("create-token", help="create a long-lived access token")
    add_config_argument(token)
    token.add_argument("username")
    token.add_argument("--name", required=True, help="what the token is for")
    token.add_argument("--days", type=float, default=None, help="expire after this many days")
    token.set_defaults(func=create_token)


def _read_password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("Password: ")
    if getpass.getpass("Repeat password: ") != first:
        raise AuthError("The passwords do not match")
    return first


def add_user(args: argparse.Namespace) -> int:
    """Create a user; refuse a non-admin before the first admin exists."""
    store = AuthStore(args.config / STORAGE_DIR)
    role = Role(args.role)
    if role is not Role.ADMIN and not store.has_admin:
        print("Create an admin first: menjin auth add-user NAME --role admin", file=sys.stderr)
        return 1
    try:
        user = store.add_user(args.username, _read_password(args), role, args.name,
                              args.person_ids)
    except AuthError as err:
        print(str(err), file=sys.stderr)
        return 1
    print(f"Created {user.role.value} '{user.username}'.")
    return 0


def list_users(args: argparse.Namespace) -> int:
    """Print the users (never their password hashes)."""
    users = [user.public() for user in AuthStore(args.config / STORAGE_DIR).users.values()]
    if args.json:
        print(json.dumps(users, ensure_ascii=False, indent=1))
    else:
        for user in users:
            print(f"{user['username']:<20} {user['role']:<10} {user['name']}")
    return 0


def create_token(args: argparse.Namespace) -> int:
    """Print a new token once; only its hash is kept."""
    store = AuthStore(args.config / STORAGE_DIR)
    user = store.user_by_name(args.username)
    if user is None:
        print(f"No user '{args.username}'", file=sys.stderr)
        return 1
    lifetime = None if args.days is None else args.days * 86400
    print(store.create_token(user.id, args.name, lifetime))
    return 0
