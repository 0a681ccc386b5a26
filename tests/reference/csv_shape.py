"""Reads CSV files the way a user would, with no options, and checks their shape.

    python3 csv_shape.py FILE:ROWS [FILE:ROWS ...]

ROWS is the expected number of data rows (-1: not known in advance). For every file: Python's
csv module must see one header line whose first field does not start with '#', then rows of
the header's width; pandas.read_csv (when pandas is importable) must give the same shape. Prints
one line per file and exits 1 on the first problem.
"""
import csv
import sys

try:
    import pandas
except ImportError:  # pandas is optional; the csv module is not
    pandas = None


def check(path, rows):
    with open(path, newline="", encoding="utf-8-sig") as f:
        records = list(csv.reader(f))
    if not records:
        return "empty"
    header, data = records[0], records[1:]
    if header[0].startswith("#"):
        return f"starts with a comment line: {header[0]!r}"
    widths = {len(r) for r in data}
    if widths and widths != {len(header)}:
        return f"rows of widths {sorted(widths)} under a header of {len(header)}"
    if rows >= 0 and len(data) != rows:
        return f"{len(data)} data rows, expected {rows}"
    if pandas is not None:
        shape = pandas.read_csv(path).shape
        if shape != (len(data), len(header)):
            return f"pandas reads {shape}, the csv module {(len(data), len(header))}"
    return None


def main(args):
    for arg in args:
        path, _, rows = arg.rpartition(":")
        problem = check(path, int(rows))
        if problem:
            print(f"{path}: {problem}")
            return 1
        print(f"{path}: ok")
    print(f"pandas: {'checked' if pandas is not None else 'not installed, csv module only'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
