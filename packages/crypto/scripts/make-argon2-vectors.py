#!/usr/bin/env python3
"""Generate the Argon2id test vectors of @iron/secrets-crypto from the reference implementation.

RULINGS R5: whichever Argon2 implementation derives a per-secret key, its bytes must be identical
to those of the reference C implementation (Debian's `argon2` command). This script asks that
command for the raw hashes and writes them, hex encoded, to src/lib/argon2-vectors.json, which the
tests of both implementations (@node-rs/argon2 and hash-wasm) check against.

Not run by the tests: run it by hand (`python3 scripts/make-argon2-vectors.py`) and commit the
JSON. The inputs are fixed (no randomness), so running it again gives the same file.

Limits of the command line tool that shape the inputs: the password is read from stdin (binary
safe), but the salt is argv[1], so it must be at least 8 bytes, contain no NUL byte (C string)
and must not start with '-' (so it can never be read as an option).
"""

import hashlib
import json
import pathlib
import subprocess

ARGON2 = "/usr/bin/argon2"
OUTPUT = pathlib.Path(__file__).resolve().parent.parent / "src" / "lib" / "argon2-vectors.json"

# The parameters of FR-3 / RULINGS R5.
DEFAULT = {"memoryKiB": 19456, "iterations": 2, "parallelism": 1, "keyLength": 32}


def deterministic_bytes(label: str, length: int, forbid_nul: bool) -> bytes:
    """Arbitrary-looking bytes from a label (SHA-256 in counter mode), optionally NUL-free."""
    out = bytearray()
    counter = 0
    while len(out) < length:
        block = hashlib.sha256(f"{label}/{counter}".encode()).digest()
        counter += 1
        for byte in block:
            if forbid_nul and byte == 0:
                continue
            out.append(byte)
    out = out[:length]
    if forbid_nul and out[0] == ord("-"):
        out[0] = ord("+")
    return bytes(out)


def reference_hash(password: bytes, salt: bytes, params: dict) -> str:
    assert b"\x00" not in salt and len(salt) >= 8 and not salt.startswith(b"-")
    result = subprocess.run(
        [
            ARGON2,
            salt,
            "-id",
            "-t", str(params["iterations"]),
            "-k", str(params["memoryKiB"]),
            "-p", str(params["parallelism"]),
            "-l", str(params["keyLength"]),
            "-v", "13",
            "-r",
        ],
        input=password,
        capture_output=True,
        check=True,
    )
    return result.stdout.decode().strip()


CASES = [
    {
        "name": "ASCII master key and salt, default parameters",
        "password": b"iron-secrets/test-master-key/001",
        "salt": b"salt-of-secret-1",
        "params": DEFAULT,
    },
    {
        "name": "binary 32-byte master key and 16-byte binary salt, default parameters",
        "password": deterministic_bytes("master-key-a", 32, forbid_nul=False),
        "salt": deterministic_bytes("salt-a", 16, forbid_nul=True),
        "params": DEFAULT,
    },
    {
        "name": "master key with NUL and newline bytes, binary salt, default parameters",
        "password": bytes([0x00, 0x0A, 0xFF, 0x0D]) * 8,
        "salt": deterministic_bytes("salt-b", 16, forbid_nul=True),
        "params": DEFAULT,
    },
    {
        "name": "binary master key, same salt as another vector, different key",
        "password": deterministic_bytes("master-key-b", 32, forbid_nul=False),
        "salt": deterministic_bytes("salt-a", 16, forbid_nul=True),
        "params": DEFAULT,
    },
    {
        "name": "non-default parameters: t=3, m=4096",
        "password": deterministic_bytes("master-key-a", 32, forbid_nul=False),
        "salt": deterministic_bytes("salt-a", 16, forbid_nul=True),
        "params": {"memoryKiB": 4096, "iterations": 3, "parallelism": 1, "keyLength": 32},
    },
    {
        "name": "non-default parameters: t=1, m=8192, p=2",
        "password": deterministic_bytes("master-key-a", 32, forbid_nul=False),
        "salt": deterministic_bytes("salt-a", 16, forbid_nul=True),
        "params": {"memoryKiB": 8192, "iterations": 1, "parallelism": 2, "keyLength": 32},
    },
]


def main() -> None:
    vectors = []
    for case in CASES:
        vectors.append(
            {
                "name": case["name"],
                "masterKeyHex": case["password"].hex(),
                "saltHex": case["salt"].hex(),
                "params": {"algorithm": "argon2id", "version": 19, **case["params"]},
                "keyHex": reference_hash(case["password"], case["salt"], case["params"]),
            }
        )
    document = {
        "source": "Debian argon2 command (reference C implementation), argon2 SALT -id -t T -k M -p P -l L -v 13 -r",
        "generator": "scripts/make-argon2-vectors.py",
        "vectors": vectors,
    }
    OUTPUT.write_text(json.dumps(document, indent=2) + "\n")
    print(f"wrote {len(vectors)} vectors to {OUTPUT}")


if __name__ == "__main__":
    main()
