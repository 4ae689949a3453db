"""How users' passwords are stored.

Django's default, PBKDF2 at 1,000,000 iterations, takes about a second of a core on the machines Primaweb
runs on: every sign-in waited for it, and several at 9 a.m. queue behind one another. Argon2id at the
parameters the OWASP Password Storage Cheat Sheet recommends (19 MiB of memory, 2 passes, 1 lane) takes
about 60 ms and, being memory-hard, costs an attacker's graphics cards far more per guess than PBKDF2
does. A password stored with PBKDF2 is re-stored with Argon2id at its owner's next sign-in.
"""

from django.contrib.auth.hashers import Argon2PasswordHasher


class OwaspArgon2PasswordHasher(Argon2PasswordHasher):
    algorithm = "argon2"  # the same hashes as Django's hasher: its parameters are stored in each one
    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1
