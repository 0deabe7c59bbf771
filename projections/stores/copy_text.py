"""Rows in PostgreSQL's COPY text format, one formatting function per table.

psycopg's ``write_row`` takes each value through a dumper of its own (a Python call
per UUID), which made encoding most of a rebuild's writing. Here each table gets a
function, generated once from its columns, that formats a whole row in one expression:
UUIDs as 32 hex digits (PostgreSQL reads them without dashes), decimals and integers
by ``str``, floats by ``repr``, times and dates in ISO form, exact scores as the same
"n/d" text ``str(Fraction)`` gives, text escaped as the format requires. The values
PostgreSQL stores are the same as through ``write_row`` (a test compares them).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from projections.tables import ColumnKind, Table

CopyText = Callable[[Iterable[Any]], bytes]
"""Rows to the COPY data that writes them (every line ends with a newline)."""

NULL = "\\N"


def escaped(text: str) -> str:
    """Text as a COPY field: backslash, tab, newline and carriage return escaped."""
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        text = (text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
                .replace("\r", "\\r"))
    return text


def fraction_text(numerator: int, denominator: int) -> str:
    return f"{numerator}/{denominator}" if denominator != 1 else str(numerator)


# Each kind's text, as a Python expression of the value ``{v}`` (a plain local name).
_EXPRESSIONS: dict[ColumnKind, str] = {
    ColumnKind.UUID: "f'{{{v}.int:032x}}'",
    ColumnKind.TEXT: "escaped({v})",
    ColumnKind.ENUM: "escaped({v}.value)",
    ColumnKind.POLICY: "escaped(policy_text({v}))",
    ColumnKind.INT: "str({v})",
    ColumnKind.FLOAT: "repr({v})",
    ColumnKind.BOOL: "('t' if {v} else 'f')",
    ColumnKind.DECIMAL: "str({v})",
    ColumnKind.FRACTION: "fraction_text({v}.numerator, {v}.denominator)",
    ColumnKind.TIMESTAMP: "{v}.isoformat()",
    ColumnKind.DATE: "{v}.isoformat()",
    ColumnKind.UUID_LIST: "'{{' + ','.join([f'{{u.int:032x}}' for u in {v}]) + '}}'",
}


def copy_text(table: Table[Any], policy_text: Callable[[Any], str]) -> CopyText:
    """The formatting function of ``table``'s rows: its columns, then its derived ones
    (the order ``TableCodec.names`` lists)."""
    names: dict[str, object] = {"escaped": escaped, "fraction_text": fraction_text,
                                "policy_text": policy_text, "NULL": NULL}
    reads: list[str] = []
    fields: list[str] = []
    kinds = [(c.name, c.kind) for c in table.columns]
    kinds += [(f"derived_{i}", d.kind) for i, d in enumerate(table.derived)]
    for i, (name, kind) in enumerate(kinds):
        if not name.isidentifier():
            raise ValueError(f"column {name!r} is not an identifier")
        value = f"v{i}"
        if i < len(table.columns):
            reads.append(f"{value} = row.{name}")
        else:
            names[name] = table.derived[i - len(table.columns)].compute
            reads.append(f"{value} = {name}(row)")
        expression = _EXPRESSIONS[kind].format(v=value)
        fields.append(f"(NULL if {value} is None else {expression})")
    # One function per table, compiled once: a row's text is one expression of plain
    # attribute reads and C-level formatting, no call per value through a dumper.
    source = ("def format_rows(rows):\n"
              "    lines = []\n"
              "    append = lines.append\n"
              "    for row in rows:\n"
              + "".join(f"        {read}\n" for read in reads)
              + "        append('\\t'.join((" + ", ".join(fields) + ",)))\n"
              "    lines.append('')\n"
              "    return '\\n'.join(lines).encode()\n")
    exec(compile(source, f"<copy text of {table.name}>", "exec"), names)
    format_rows: CopyText = names["format_rows"]  # type: ignore[assignment]
    return format_rows
