"""Tests for the exception classes in :mod:`custseg.errors`."""

from __future__ import annotations

import pytest

import custseg
from custseg.errors import CustsegError, InputError, ThresholdError


class TestCustsegError:
    def test_is_exception(self) -> None:
        """The base class is an Exception but not a ValueError."""
        assert issubclass(CustsegError, Exception)
        assert not issubclass(CustsegError, ValueError)

    @pytest.mark.parametrize("cls", [InputError, ThresholdError])
    def test_subclasses(self, cls: type[Exception]) -> None:
        """Both concrete errors are CustsegError and ValueError."""
        assert issubclass(cls, CustsegError)
        assert issubclass(cls, ValueError)

    def test_distinct(self) -> None:
        """Data errors and definition errors are kept apart."""
        assert not issubclass(InputError, ThresholdError)
        assert not issubclass(ThresholdError, InputError)

    def test_exported(self) -> None:
        """The errors module exports the base class and both concrete errors."""
        from custseg import errors

        assert {"CustsegError", "InputError", "ThresholdError"} <= set(errors.__all__)
        assert custseg.errors.InputError is InputError


class TestInputError:
    def test_docstring_example(self) -> None:
        """The docstring example: field, problem, first row, count, fix."""
        err = InputError(
            "amount",
            "contains NaN",
            first_row=3,
            n_rows=2,
            fix="drop or fill the missing amounts first",
        )
        assert str(err) == (
            "'amount' contains NaN (first at row 3, 2 rows affected): "
            "drop or fill the missing amounts first"
        )
        assert (err.field, err.first_row, err.n_rows) == ("amount", 3, 2)
        assert err.problem == "contains NaN"
        assert err.fix == "drop or fill the missing amounts first"

    def test_one_row(self) -> None:
        """A single affected row is singular."""
        err = InputError("date", "is NaT", first_row=0, n_rows=1, fix="fill it")
        assert str(err) == "'date' is NaT (first at row 0, 1 row affected): fill it"

    def test_row_without_count(self) -> None:
        """first_row without n_rows gives only the row."""
        err = InputError("date", "is NaT", first_row=7)
        assert str(err) == "'date' is NaT (first at row 7)"
        assert err.n_rows is None

    def test_no_row_no_fix(self) -> None:
        """Without row information or fix, the message is field and problem only."""
        err = InputError("customer_id", "must be one-dimensional")
        assert str(err) == "'customer_id' must be one-dimensional"
        assert (err.first_row, err.n_rows, err.fix) == (None, None, "")

    def test_count_without_row_is_not_shown(self) -> None:
        """n_rows alone is kept as an attribute; the message shows rows only with first_row."""
        err = InputError("x", "is bad", n_rows=4, fix="fix it")
        assert str(err) == "'x' is bad: fix it"
        assert err.n_rows == 4

    def test_field_is_quoted_with_repr(self) -> None:
        """The field name is shown with repr quotes, even when it contains a quote."""
        err = InputError("it's", "is bad")
        assert str(err) == '"it\'s" is bad'

    def test_caught_as_value_error(self) -> None:
        """An InputError can be caught with except ValueError."""
        with pytest.raises(ValueError, match="'a' b"):
            raise InputError("a", "b")

    def test_keyword_only(self) -> None:
        """fix, first_row and n_rows are keyword-only."""
        with pytest.raises(TypeError):
            InputError("a", "b", "c")  # type: ignore[misc]


class TestThresholdError:
    def test_message_passthrough(self) -> None:
        """The message is given verbatim."""
        err = ThresholdError("'silent' must be > 'active' (90): got 60")
        assert str(err) == "'silent' must be > 'active' (90): got 60"
        assert err.args == ("'silent' must be > 'active' (90): got 60",)

    def test_caught_as_base_and_value_error(self) -> None:
        """A ThresholdError is caught by both except CustsegError and except ValueError."""
        with pytest.raises(CustsegError):
            raise ThresholdError("bad")
        with pytest.raises(ValueError):
            raise ThresholdError("bad")
