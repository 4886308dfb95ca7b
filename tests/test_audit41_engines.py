"""Audit 41 (engines): Polars' refusal of a bytes date column that is not
UTF-8 text gives an example value and the row count, as PyArrow, DuckDB
and the pandas path do."""

from __future__ import annotations

import pytest

from custseg.errors import InputError
from custseg.frame import summarize_frame

RAW = [b"2024-01-01", b"\xff\xfe01", b"2024-02-01", b"\xff\xfe01", None]


@pytest.mark.parametrize("lazy", [False, True])
def test_polars_non_utf8_bytes_dates_name_a_value_and_count(lazy: bool) -> None:
    pl = pytest.importorskip("polars")
    df = pl.DataFrame(
        {
            "customer_id": [1, 2, 3, 4, 5],
            "date": pl.Series(RAW, dtype=pl.Binary),
            "amount": [1.0, 2.0, 3.0, 4.0, 5.0],
        }
    )
    frame = df.lazy() if lazy else df
    with pytest.raises(InputError) as err:
        summarize_frame(frame, as_of="2024-07-01")
    text = str(err.value)
    assert "not UTF-8" in text
    assert "such as b'\\xff\\xfe01'" in text
    assert "(2 rows)" in text


def test_engines_word_the_refusal_alike() -> None:
    pl = pytest.importorskip("polars")
    pa = pytest.importorskip("pyarrow")
    data = {"customer_id": [1, 2, 3, 4, 5], "amount": [1.0, 2.0, 3.0, 4.0, 5.0]}
    frames = [
        pl.DataFrame({**data, "date": pl.Series(RAW, dtype=pl.Binary)}),
        pa.table({**data, "date": pa.array(RAW, pa.binary())}),
    ]
    messages = []
    for frame in frames:
        with pytest.raises(InputError) as err:
            summarize_frame(frame, as_of="2024-07-01")
        messages.append(str(err.value))
    assert messages[0] == messages[1]
