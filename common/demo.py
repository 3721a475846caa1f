"""Demo logins for the embedded default (`make run`): one per role. They exist only when DEBUG is on.

Plain data (the Makefile prints the usernames without setting Django up). Users whose role needs a
link to another app's object (the employer user) are created by that app's demo seeder.
"""

DEMO_PASSWORD = "kvota-demo-2026"  # noqa: S105 - published demo login, DEBUG only

DEMO_USERS = [
    {
        "username": "employer",
        "first_name": "Aruzhan",
        "last_name": "Bekova",
        "email": "employer@kvota.example",
        "role": "employer",
    },
    {
        "username": "official.astana",
        "first_name": "Nurlan",
        "last_name": "Abenov",
        "email": "official.astana@kvota.example",
        "role": "regional_official",
        "regions": ["KZ-71"],
    },
    {
        "username": "official.almaty",
        "first_name": "Dana",
        "last_name": "Serikova",
        "email": "official.almaty@kvota.example",
        "role": "regional_official",
        "regions": ["KZ-75"],
    },
    {
        "username": "ministry",
        "first_name": "Yerlan",
        "last_name": "Ospanov",
        "email": "ministry@kvota.example",
        "role": "ministry_official",
    },
    {
        # A second ministry official: plans are approved, and overrides confirmed, by another official (four eyes).
        "username": "ministry2",
        "first_name": "Gulnara",
        "last_name": "Tulegenova",
        "email": "ministry2@kvota.example",
        "role": "ministry_official",
    },
    {
        "username": "auditor",
        "first_name": "Saule",
        "last_name": "Karimova",
        "email": "auditor@kvota.example",
        "role": "auditor",
    },
    {
        "username": "admin",
        "first_name": "Askar",
        "last_name": "Zhumabayev",
        "email": "admin@kvota.example",
        "role": "administrator",
    },
]
