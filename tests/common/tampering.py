"""Simulated tampering with append-only tables, for the tests that prove verification finds it."""

from contextlib import contextmanager

from django.db import connection

from common.append_only import trigger_name


@contextmanager
def append_only_lifted(table: str):
    """Switch the append-only trigger of `table` off around a tampering (PostgreSQL; elsewhere the ORM is the only
    guard and raw SQL passes). Only the tables' owner can do this — the attacker these tests imagine."""
    postgresql = connection.vendor == "postgresql"
    if postgresql:
        with connection.cursor() as cursor:
            # Deferred foreign-key checks pending in the test's transaction would block the ALTER: run them now.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER {trigger_name(table)}")
    try:
        yield
    finally:
        if postgresql:
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER {trigger_name(table)}")
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def tamper(sql: str, params=(), *, table: str = "common_auditevent") -> None:
    """Run SQL that rewrites an append-only table behind the application's back."""
    with append_only_lifted(table), connection.cursor() as cursor:
        cursor.execute(sql, params)
