"""The CSV reader of ``reprice --charges`` (usage/charge_rows.py) reads every cell as the reader it
replaced did: the same counts, the same refusals with the same words, for odd cells too."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from modelctl.usage.charge_rows import csv_rows
from modelctl.usage.files import check_header, count_problem

HEADER = "timestamp,model,input_tokens,output_tokens,plan,subject"


def _before(stream: Any, header: Any, read: tuple[str, ...], implicit: bool) -> Iterator[Any]:
    """The reader before the fast one (main 63e8a8d), verbatim but for its name and two fixes made
    since (marked): a blank cell (spaces) is read as an empty one, as plain reprice reads it (it was
    refused, blaming the first count column: "'' is too large"), the bad cell is the first
    that ``int`` refuses (``isdigit`` takes '²', so the first column was blamed for it), and a
    count of 2**64 or more is refused, as plain reprice refuses it (it was charged)."""
    names = header.names
    width = len(names)
    i_ts, i_model, i_var = header.index("timestamp"), header.index("model"), header.index("variant")
    i_acc, i_plan = header.index("account"), header.index("plan")
    dims = [header.index(d) for d in read]
    tokens = header.tokens
    reader = csv.reader(stream, delimiter=header.delimiter)
    for row in reader:
        if not row:
            continue
        line = reader.line_num + 1
        if len(row) != width:
            yield line, f"expected {width} fields as in the header, found {len(row)}", row
            continue
        try:
            counts = [int(row[i]) if row[i].strip() else 0 for i in tokens]  # fix: .strip()
        except ValueError:
            counts = []
        if len(counts) != len(tokens) or any(not 0 <= c < 2**64 for c in counts):  # fix: < 2**64
            k = next((k for k, i in enumerate(tokens) if not _a_count(row[i])), 0)  # fix: int()'s, not isdigit()
            yield line, count_problem(names[tokens[k]], row[tokens[k]]), row
            continue
        if implicit:
            counts.append(1)
        yield (
            line,
            row[i_ts],
            row[i_model],
            row[i_var] if i_var >= 0 else "",
            row[i_acc] if i_acc >= 0 else "",
            row[i_plan] if i_plan >= 0 else "",
            tuple(row[i] if i >= 0 else "" for i in dims),
            counts,
            row,
        )


def _a_count(cell: str) -> bool:
    try:
        return not cell.strip() or 0 <= int(cell) < 2**64
    except ValueError:
        return False


def _both(text: str, read: tuple[str, ...] = ("subject", "rollout")) -> tuple[list[Any], list[Any]]:
    first, _, rest = text.partition("\n")
    header = check_header(first + "\n", "usage.csv")
    new = list(csv_rows(io.StringIO(rest), header, read, True))
    old = list(_before(io.StringIO(rest), header, read, True))
    return new, old


ODD = ["", " ", "\t", " 7 ", "0", "-0", "-1", "+5", "1.5", "1e3", "0x10", "1_000", "007", "٣", "²", "abc",
       str(2**64 - 1), str(2**64), str(10**30), str(10**250), "-" + str(10**30)]  # fmt: skip


def test_odd_cells_read_as_before() -> None:
    lines = [HEADER]
    for a in ODD:
        for b in ODD:
            lines.append(f'2026-11-20,openai/gpt-6-luna,"{a}","{b}",pro,u1')
    lines += ["", "2026-11-20,openai/gpt-6-luna,1,2,pro", "2026-11-20,m,1,2,pro,u,extra", " , , , , , "]
    new, old = _both("\n".join(lines) + "\n")
    assert new == old
    assert len(new) == len(ODD) ** 2 + 3
    refused = [r for r in new if len(r) == 3]
    assert any("'-1' is negative" in r[1] for r in refused)
    assert any("'1.5' is not a whole number" in r[1] for r in refused)
    assert any(f"'{10**250}' is too large for a token count" in r[1] for r in refused)
    counts = {tuple(r[7]) for r in new if len(r) == 9}
    assert (2**64 - 1, 0, 1) in counts and (7, 0, 1) in counts  # the largest count is read, spaces stripped


def test_no_dimension_and_one_dimension() -> None:
    text = HEADER + "\n2026-11-20,openai/gpt-6-luna,3,4,pro,u9\n"
    for read in [(), ("subject",), ("rollout",), ("subject", "rollout"), ("rollout", "subject")]:
        new, old = _both(text, read)
        assert new == old and type(new[0][6]) is tuple


CELL = st.one_of(
    st.sampled_from(ODD),
    st.integers(min_value=-(10**40), max_value=10**40).map(str),
    st.text(alphabet=" -+0123456789._e", max_size=6),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(CELL, CELL), min_size=1, max_size=8))
def test_random_cells_read_as_before(cells: list[tuple[str, str]]) -> None:
    text = HEADER + "\n" + "".join(f'2026-11-20,m,"{a}","{b}",pro,s\n' for a, b in cells)
    new, old = _both(text)
    assert new == old
