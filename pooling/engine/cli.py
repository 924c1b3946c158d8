"""Command line: ``python -m pooling route INSTANCE.json [--out FILE] [--explain]``.

Exit status 0 on success; 2 when the instance (or the command line) is bad:
then a message naming the field goes to stderr and nothing to stdout; 1 when
the answer cannot be written to --out.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from . import route  # the package's: the solvers load on the first route(), after the input is read
from .model import Instance, ValidationError

EXIT_BAD_INPUT = 2
EXIT_CANNOT_WRITE = 1


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m pooling", description="Guyub overflow pooling engine")
    commands = parser.add_subparsers(dest="command", required=True)
    cmd = commands.add_parser("route", help="route an instance's overflow lines")
    cmd.add_argument("instance", help="instance JSON file (see docs/pooling-engine.md), or - for stdin")
    cmd.add_argument("--out", help="write the answer JSON here instead of stdout")
    cmd.add_argument("--explain", action="store_true", help="add a plain-language explanation to each assignment")
    return parser


def _load(path: str) -> Instance:
    name = "stdin" if path == "-" else path
    try:
        if path == "-":
            data = json.load(sys.stdin)
        else:
            with open(path, "rb") as handle:
                data = json.load(handle)
    except OSError as error:
        raise ValidationError(name, f"cannot read: {error.strerror or error}") from None
    except (UnicodeDecodeError, RecursionError) as error:
        raise ValidationError(name, f"not valid JSON: {error}") from None
    except json.JSONDecodeError as error:
        raise ValidationError(
            name, f"not valid JSON: {error.msg} (line {error.lineno}, column {error.colno})"
        ) from None
    return Instance.from_dict(data)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)  # usage errors exit with status 2 too
    try:
        instance = _load(args.instance)
    except ValidationError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    answer = route(instance, explain=args.explain)
    text = json.dumps(answer.to_dict(), indent=1 if args.explain else None, ensure_ascii=False) + "\n"
    if not args.out:
        sys.stdout.write(text)
        return 0
    try:
        with open(args.out, "w", encoding="utf-8") as handle:
            handle.write(text)
    except OSError as error:
        print(f"error: cannot write {args.out}: {error.strerror or error}", file=sys.stderr)
        return EXIT_CANNOT_WRITE
    return 0
