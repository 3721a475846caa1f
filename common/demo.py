"""Demo logins for the embedded default (`make run`). They exist only when DEBUG is on."""

DEMO_PASSWORD = "kvota-demo-2026"  # noqa: S105 - published demo login, DEBUG only

DEMO_USERS = [
    {"username": "demo", "first_name": "Demo", "last_name": "User", "email": "demo@kvota.example"},
]
