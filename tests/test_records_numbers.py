"""Numbers in customer records, written the ways exports write them.

An eighth look at the records (audit 7, B8): the fields the rules read as
numbers (``assets`` and ``intent`` of the beauty salon, ``visits`` of the
mother-and-baby store) were checked only by the rules, on the frame joined to
the transactions, so

- ``1.000`` visits in a ``;``-separated records file was read as one visit
  (a thousand: the dot separates thousands there), exit 0;
- ``1.234,50`` or ``5,000`` was "non-numeric" with no word of the comma;
- every error gave a row of the joined frame (``first at row 193``), which
  the user never sees, and did not say the records were at fault.

Now the records file's number fields get the amounts' checks when read, the
decimal-comma and thousands diagnosis, and errors name the customer (rows of
the joined frame) or the records file (rows of the file).
"""

from __future__ import annotations

import contextlib
import io
import warnings
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import custseg
from custseg import cli
from custseg.datasets import simulate_transactions
from custseg.errors import InputError

_TX = simulate_transactions(60, seed=3)
_IDS = [str(i) for i in pd.unique(_TX["customer_id"])][:6]


@pytest.fixture(scope="module")
def tx_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("records_numbers") / "tx.csv"
    _TX.to_csv(path, index=False)
    return path


def _cli(argv: list[str]) -> pd.DataFrame:
    """``custseg`` in this process (its errors raised, not printed)."""
    with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        args = cli._parser().parse_args(argv)
        assert args.func(args) == 0
    return pd.read_csv(argv[argv.index("--output") + 1], dtype={"customer_id": str})


def _api(tx: Path, records: Path, preset: str) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return custseg.segment(str(tx), records=str(records), preset=preset).customers


def _both(tx: Path, records: Path, preset: str, tmp: Path) -> list[str]:
    """The errors of the command line and of the Python API (both must fail)."""
    messages = []
    with pytest.raises(InputError) as cli_error:
        argv = ["segment", str(tx), "--records", str(records), "--preset", preset]
        _cli([*argv, "--output", str(tmp / "out.csv")])
    messages.append(str(cli_error.value))
    with pytest.raises(InputError) as api_error:
        _api(tx, records, preset)
    messages.append(str(api_error.value))
    return messages


# a number of assets (whole yuan or with cents) and how an export writes it
_amounts = st.one_of(
    st.integers(1000, 10**7).map(float),
    st.integers(100_000, 10**9).map(lambda c: c / 100),
)


def _european(x: float) -> str:
    """1234567.5 -> '1.234.567,50' (dots between thousands, decimal comma)."""
    whole, cents = f"{x:.2f}".split(".")
    groups = f"{int(whole):,}".replace(",", ".")
    return f"{groups},{cents}"


_STYLES = {
    "decimal comma": lambda x: f"{x:.2f}".replace(".", ","),
    "dots and a decimal comma": _european,
    "thousands commas": lambda x: f"{x:,.2f}",
    "thousands commas, whole": lambda x: f"{int(x):,}",
}


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    values=st.lists(_amounts, min_size=len(_IDS), max_size=len(_IDS)),
    style=st.sampled_from(sorted(_STYLES)),
    sep=st.sampled_from([",", ";", "\t"]),
    where=st.integers(0, len(_IDS) - 1),
)
def test_written_numbers_are_refused_with_the_reason(
    tx_file: Path,
    tmp_path: Path,
    values: list[float],
    style: str,
    sep: str,
    where: int,
) -> None:
    """One customer's assets in an export's style, the others plain: never
    read as another number, and the error names the field, the customer (or
    the records file) and the commas."""
    cells = [repr(v) for v in values]
    cells[where] = _STYLES[style](values[where])
    records = tmp_path / "records.txt"
    frame = pd.DataFrame({"customer_id": _IDS, "assets": cells})
    frame.to_csv(records, sep=sep, index=False)
    for message in _both(tx_file, records, "beauty_salon", tmp_path):
        assert message.startswith("'assets'"), message
        assert "comma" in message or "separat" in message, message
        assert (
            f"first for customer {_IDS[where]!r}" in message
            or f"records file {str(records)!r}" in message
        ), message
        assert "row 1" not in message or "records file" in message


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    thousands=st.lists(st.integers(1, 999), min_size=1, max_size=len(_IDS)),
    sep=st.sampled_from([";", "\t"]),
)
def test_dots_between_thousands_are_not_decimals(
    tx_file: Path, tmp_path: Path, thousands: list[int], sep: str
) -> None:
    """Visits written ``1.000`` (a thousand, in exports that separate fields
    with ';') in a file not separated by commas: refused, naming the records
    file, never read as 1.0."""
    cells = [f"{k}.000" for k in thousands] + ["2"] * (len(_IDS) - len(thousands))
    records = tmp_path / "records.txt"
    frame = pd.DataFrame({"customer_id": _IDS, "visits": cells, "vip": "false"})
    frame.to_csv(records, sep=sep, index=False)
    for message in _both(tx_file, records, "mother_baby", tmp_path):
        assert message.startswith(f"'visits' of the records file {str(records)!r}")
        assert "thousands" in message
        assert "first at row 0" in message or "first at line 2 of" in message


@pytest.mark.parametrize(
    ("cell", "problem"),
    [
        ("-5", "below the declared min 0"),
        ("abc", "non-numeric values such as 'abc'"),
        ("1e400", "contains infinite values"),
    ],
)
def test_bad_numbers_name_the_customer(
    tx_file: Path, tmp_path: Path, cell: str, problem: str
) -> None:
    """Out of bounds, not a number: the customer who has it, not a row of a
    frame the user never sees."""
    cells = ["100"] * len(_IDS)
    cells[3] = cell
    records = tmp_path / "records.csv"
    pd.DataFrame({"customer_id": _IDS, "assets": cells}).to_csv(records, index=False)
    for message in _both(tx_file, records, "beauty_salon", tmp_path):
        assert problem in message, message
        # the API says "the customer records", the CLI names its file
        where = f"in the records file {str(records)!r}"
        assert f"in the customer records (first for customer {_IDS[3]!r}" in (
            message.replace(where, "in the customer records")
        )
        assert "at row" not in message


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    values=st.lists(
        st.one_of(st.none(), st.integers(0, 10**7), st.floats(0, 1e7).map(round)),
        min_size=len(_IDS),
        max_size=len(_IDS),
    ),
    sep=st.sampled_from([",", ";", "\t"]),
)
def test_plain_numbers_read_as_written(
    tx_file: Path, tmp_path: Path, values: list[int | None], sep: str
) -> None:
    """Plain numbers (and empty cells) in any separator: the value tiers of
    the file are those of the same records given as a frame."""
    cells = ["" if v is None else str(v) for v in values]
    records = tmp_path / "records.txt"
    intent = [0.0, 0.25, 0.5, 0.75, 1.0, 0.5]
    pd.DataFrame({"customer_id": _IDS, "assets": cells, "intent": intent}).to_csv(
        records, sep=sep, index=False
    )
    frame = pd.DataFrame(
        {
            "customer_id": _IDS,
            "assets": pd.array(values, dtype="Float64"),
            "intent": intent,
        }
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        text_ids = _TX.assign(customer_id=_TX["customer_id"].astype(str))
        expected = custseg.segment(
            text_ids, records=frame, preset="beauty_salon"
        ).customers
    got = _api(tx_file, records, "beauty_salon")
    assert got["value_tier"].astype(str).tolist() == (
        expected["value_tier"].astype(str).tolist()
    )
    out = _cli(
        [
            "segment",
            str(tx_file),
            "--records",
            str(records),
            "--preset",
            "beauty_salon",
            "--output",
            str(tmp_path / "out.csv"),
        ]
    )
    assert out["value_tier"].tolist() == expected["value_tier"].astype(str).tolist()
