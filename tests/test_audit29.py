"""Audit 29: findings of the seventh December session's probes and leftovers.

1. ``custseg migrate``'s test of which columns hold labels turned each
   column into pandas' Arrow text, which refuses a lone surrogate (text
   decoded with ``errors="surrogateescape"``): a raw ``UnicodeEncodeError``.
2. A CSV cell past the largest double (``1e400``) is read as infinity; the
   error named only "infinite values", which the user never wrote.
"""

from __future__ import annotations

import datetime
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from custseg._cli_migrate import _DATE_TEXT, _is_label
from custseg.cli import main
from test_pytest_plugin import _pytest

# --------------------------------------------------------------------------
# 1. which columns hold labels: any text, surrogates too


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.one_of(st.none(), st.text(st.characters(exclude_categories=()))),
        max_size=8,
    )
)
def test_is_label_takes_any_text(values: list[str | None]) -> None:
    """Any text, lone surrogates among it: an answer, not a crash; a
    column of dates written as custseg writes them is no label column."""
    col = pd.Series(values, dtype=object)
    texts = [v for v in values if v is not None and v.strip()]
    expected = not (texts and all(_DATE_TEXT.fullmatch(t) for t in texts))
    assert _is_label(col) is expected


def test_is_label_reported_example() -> None:
    assert _is_label(pd.Series(["a", "b\udc80"], dtype=object))
    assert not _is_label(pd.Series(["2024-01-01", None, " ", "2024-02-01 10:00"]))
    assert _is_label(pd.Series(["2024-01-01", "x"]))


# --------------------------------------------------------------------------
# 2. a number past the largest double is named as such


@pytest.mark.parametrize("cell", ["1e400", "-2E+309", "inf"])
def test_overflowing_amount_is_named(
    cell: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "t.csv"
    path.write_text(f"customer_id,date,amount\n1,2024-01-01,{cell}\n2,2024-01-02,5\n")
    out = tmp_path / "o.csv"
    argv = ["segment", str(path), "--as-of", "2024-06-01", "--output", str(out)]
    assert main(argv) != 0
    err = capsys.readouterr().err
    assert "'amount' contains infinite values" in err
    assert "beyond ±1.8e308" in err and "line 2" in err
    assert not out.exists()


# --------------------------------------------------------------------------
# 3. joins by Arrow text ids: Arrow's hash set answers as isin does


_IDS = st.one_of(st.none(), st.sampled_from(["a", "b", "00001", "1", " 1", ""]))


@settings(max_examples=80, deadline=None)
@given(st.lists(_IDS, max_size=12), st.lists(_IDS, max_size=12), st.booleans())
def test_members_of_arrow_text_is_isin(
    a: list[str | None], b: list[str | None], arrow_dtype: bool
) -> None:
    pytest.importorskip("pyarrow")
    from custseg._files import members

    dtype: object = "str"
    if arrow_dtype:
        import pyarrow as pa

        dtype = pd.ArrowDtype(pa.string())
    left, right = pd.Index(a, dtype=dtype), pd.Index(b, dtype=dtype)
    expected = [x in set(b) for x in a]  # None matches None
    assert members(left, right).tolist() == expected
    # and against a column of Python objects on either side
    assert members(left, pd.Index(b, dtype=object)).tolist() == expected


@settings(max_examples=80, deadline=None)
@given(st.lists(st.one_of(st.none(), st.text(' \t\r\na1,"')), max_size=8))
def test_quote_marks_of_arrow_text_as_of_objects(values: list[str | None]) -> None:
    """The values a CSV reader alters (a leading blank or tab, a carriage
    return) are marked alike whether pandas holds them as Arrow text or
    Python objects."""
    pytest.importorskip("pyarrow")
    from custseg._files import _quote_marks

    def marked(dtype: str) -> list[str | None]:
        out, marks = _quote_marks(pd.DataFrame({"x": pd.Series(values, dtype=dtype)}))
        return [marks.get(v, v) if isinstance(v, str) else None for v in out["x"]]

    expected = [
        None
        if v is None
        else ('"' + v.replace('"', '""') + '"')
        if v[:1] in (" ", "\t") or "\r" in v
        else v
        for v in values
    ]
    assert marked("str") == expected
    assert marked("object") == expected


def test_members_of_arrow_text_against_other_kinds() -> None:
    """Numbers are never text ids; a lone surrogate still matches itself."""
    pytest.importorskip("pyarrow")
    from custseg._files import members

    text = pd.Index(["1", "a", None], dtype="str")
    assert members(text, pd.Index([1, 2])).tolist() == [False, False, False]
    assert members(text, pd.Index([None], dtype=object)).tolist() == [
        False,
        False,
        True,
    ]
    odd = pd.Index(["a", "b\udc80"], dtype=object)
    assert members(odd, text).tolist() == [True, False]
    assert members(text, odd).tolist() == [False, True, False]


# --------------------------------------------------------------------------
# 4. a quote left open beside a byte that is not UTF-8: the encoding named


@pytest.mark.parametrize("data", [b'"\x80', b'customer_id,note\n1,"a\xff\n2,b\n'])
def test_open_quote_and_bad_byte(data: bytes, tmp_path: Path) -> None:
    """pandas fails on the open quote first; the strict reader that names
    its line met the byte and raised a bare UnicodeDecodeError."""
    from custseg._files import read_table
    from custseg.errors import InputError

    path = tmp_path / "q.csv"
    path.write_bytes(data)
    with pytest.raises(InputError, match="it is not UTF-8 text"):
        read_table(path)


# --------------------------------------------------------------------------
# 5. the pytest plugin: files reached through links, loaded once


_SHOP = """format = 1
[fields]
m = { type = "number" }
[segments.s]
default = "a"
rules = [{ label = "b", when = "m > 1" }]
"""


def _run_pytest(where: Path, *args: str) -> tuple[int, str]:
    done = _pytest(where, *args)
    return done.returncode, done.stdout + done.stderr


@pytest.mark.parametrize("target", ["shop.toml", "shop.rules"])
def test_plugin_follows_links(tmp_path: Path, target: str) -> None:
    """A rules file linked into testpaths is collected where the link
    lies: its examples run, and no warning says they did not (under
    ``-W error`` that warning stopped the whole run)."""
    (tmp_path / "pyproject.toml").write_text(
        '[tool.pytest.ini_options]\ncustseg_rules = ["rules/*.toml"]\n'
        'testpaths = ["rules"]\n'
    )
    (tmp_path / "shared").mkdir()
    (tmp_path / "rules").mkdir()
    examples = "".join(
        f"[[examples]]\ngiven = {{ m = {m} }}\nexpect = {{ s = {s!r} }}\n".replace(
            "'", '"'
        )
        for m, s in [(2, "b"), (0, "a"), (5, "b")]
    )
    (tmp_path / "shared" / target).write_text(_SHOP + examples)
    (tmp_path / "rules" / "shop.toml").symlink_to(Path("..") / "shared" / target)
    code, out = _run_pytest(tmp_path, "-W", "error")
    assert code == 0, out
    assert "3 passed" in out, out
    assert "custseg_rules pattern" not in out, out


def test_plugin_loads_each_file_once(tmp_path: Path) -> None:
    """Each example ran on a fresh load of the whole file: time grew with
    the square of the number of examples."""
    (tmp_path / "pyproject.toml").write_text(
        '[tool.pytest.ini_options]\ncustseg_rules = ["rules/*.toml"]\n'
    )
    (tmp_path / "rules").mkdir()
    n = 30
    examples = "".join(
        f'[[examples]]\ngiven = {{ m = {i} }}\nexpect = {{ s = "{"b" if i > 1 else "a"}" }}\n'
        for i in range(n)
    )
    (tmp_path / "rules" / "shop.toml").write_text(_SHOP + examples)
    (tmp_path / "conftest.py").write_text(
        "import custseg.rules as r\n"
        "calls = []\n"
        "_load = r.load\n"
        "def _counted(*a, **k):\n"
        "    calls.append(a)\n"
        "    return _load(*a, **k)\n"
        "r.load = _counted\n"
        "def pytest_terminal_summary(terminalreporter):\n"
        "    terminalreporter.write_line(f'LOADS={len(calls)}')\n"
    )
    code, out = _run_pytest(tmp_path, "-n", "0", "rules")
    assert code == 0, out
    assert f"{n} passed" in out, out
    loads = int(out.split("LOADS=")[1].split()[0])
    assert loads <= 2, out


# --------------------------------------------------------------------------
# 6. engine functions on pandas frames in zones narwhals cannot name

_ZONES = [
    "America/New_York",
    "America/Port-au-Prince",
    "Asia/Ho_Chi_Minh",
    "Etc/GMT+5",
    "Etc/GMT-14",
    "EST5EDT",
    "Europe/Berlin",
]


@settings(max_examples=25, deadline=None)
@given(
    zone=st.sampled_from(_ZONES),
    hours=st.lists(st.integers(0, 24 * 60), min_size=1, max_size=8),
    end_hour=st.integers(0, 24 * 61),
    aware_end=st.booleans(),
)
def test_engine_btyd_in_any_zone(
    zone: str, hours: list[int], end_hour: int, aware_end: bool
) -> None:
    """A pandas frame in America/New_York was refused ('holds Unknown ...
    values, not dates'); now the engine counts its local days as the core
    does, with a naive or an aware observation end."""
    pytest.importorskip("narwhals")
    import custseg
    from custseg.engines import collect_facts, engine_btyd_summary, engine_facts

    start = pd.Timestamp("2024-01-01")
    dates = pd.Series(
        [start + pd.Timedelta(hours=h) for h in hours], dtype="datetime64[us]"
    ).dt.tz_localize(zone, ambiguous=False, nonexistent="shift_forward")
    tx = pd.DataFrame(
        {
            "customer_id": [f"c{i % 3}" for i in range(len(hours))],
            "date": dates,
            "amount": [float(i + 1) for i in range(len(hours))],
        }
    )
    before = tx.copy()
    end: object = start + pd.Timedelta(hours=end_hour)
    if aware_end:
        end = pd.Timestamp(end).tz_localize("UTC")
    drop = {"after_observation_end": "drop"}
    kept = custseg.btyd_summary(
        tx.customer_id, tx.date, tx.amount, observation_end=end, **drop
    )
    engine = engine_btyd_summary(tx, observation_end=end, **drop)
    pd.testing.assert_frame_equal(engine.to_pandas(), kept.to_pandas())
    assert engine.n_dropped == kept.n_dropped
    facts = collect_facts(engine_facts(tx, as_of=end, after_as_of="drop"))
    expected = custseg.summarize(
        tx.customer_id, tx.date, tx.amount, as_of=end, after_as_of="drop"
    )
    assert facts.to_pandas().equals(expected.to_pandas())
    pd.testing.assert_frame_equal(tx, before)  # the input kept its zone


def test_engine_aware_ids_are_not_made_wall_clock() -> None:
    """Only the date column is read as wall-clock time: two ids at 01:30
    EDT and 01:30 EST (one wall-clock time, two instants) stay two
    customers or are refused, never merged."""
    pytest.importorskip("narwhals")
    from custseg.engines import engine_facts
    from custseg.errors import InputError

    ids = pd.Series(
        pd.to_datetime(["2024-11-03 05:30", "2024-11-03 06:30"]).tz_localize("UTC")
    ).dt.tz_convert("America/New_York")
    tx = pd.DataFrame(
        {"customer_id": ids, "date": ["2024-11-04", "2024-11-05"], "amount": [1.0, 2.0]}
    )
    try:
        facts = engine_facts(tx, as_of="2024-12-01")
    except InputError as exc:
        assert "customer_id" in str(exc)
    else:  # pragma: no cover - an engine that keeps the instants
        assert facts.n_rows == 2
        assert len(facts.frame.collect()) == 2


# --------------------------------------------------------------------------
# 7. dates written as numbers keep their reading with a date format


@settings(max_examples=30, deadline=None)
@given(
    fmt=st.sampled_from(["%d%m%Y", "%m%d%Y", "%Y%m%d", "%d%m%y"]),
    days=st.lists(
        st.dates(
            datetime.date(1970, 1, 1),
            datetime.date(2060, 12, 31),
        ),
        min_size=1,
        max_size=5,
    ),
    whole_float=st.booleans(),
)
def test_number_dates_of_a_file_with_a_format(
    fmt: str, days: list, whole_float: bool
) -> None:
    """Reading a date column as text whenever a format was given read
    2012024 (02012024 without its zero) in %d%m%Y as 20 January, and
    refused 20240102.0: only a format with a dot reads the column as text;
    numbers are read as numbers, their lost zeros padded back."""
    import tempfile
    import warnings

    import custseg
    from custseg.errors import CustsegWarning

    cells = [str(int(d.strftime(fmt))) + (".0" if whole_float else "") for d in days]
    folder = Path(tempfile.mkdtemp())
    path = folder / "tx.csv"
    rows = "".join(f"{i},{c},5\n" for i, c in enumerate(cells))
    path.write_text("customer_id,date,amount\n" + rows)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CustsegWarning)
        got = custseg.segment(str(path), date_format=fmt, as_of="2061-01-01")
    assert [f"{d:%Y-%m-%d}" for d in got.customers["first_purchase"]] == [
        d.isoformat() for d in days
    ]


def test_members_bytes_are_not_text() -> None:
    pytest.importorskip("pyarrow")
    from custseg._files import members

    text = pd.Index(["1", "a"], dtype="str")
    other = pd.Index([b"1", "a"], dtype=object)  # (bytearrays: unhashable)
    assert members(text, other).tolist() == [False, True]
    assert members(other, text).tolist() == [False, True]
