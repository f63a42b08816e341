"""Dates as the texts give them: a year ('2004'), a month ('2020-07') or a day ('2020-09-18'). The tables
store each as the first day it covers (NAME) and its precision (NAME_precision); a date covers every day from
that first day to its last, so '2020' is before '2021-03' only as a whole."""

from __future__ import annotations

import calendar
import datetime as dt
from typing import overload

PRECISIONS = ("year", "month", "day")  # coarsest first: a year sorts before its months, a month before its days
_LENGTH = {"year": 4, "month": 7, "day": 10}  # of the ISO text of a date at each precision
MONTHS = tuple(calendar.month_name)  # 1 -> "January"


def parse(value: str) -> tuple[int, int | None, int | None]:
    """'2020-09' -> (2020, 9, None): the parts the text gives, None for those it leaves out."""
    year, *rest = (int(part) for part in value.split("-"))
    month, day = (*rest, None, None)[:2]
    return year, month, day


def precision(value: str) -> str:
    """'2020' -> 'year', '2020-09' -> 'month', '2020-09-18' -> 'day'."""
    return PRECISIONS[value.count("-")]


def first_day(value: str) -> dt.date | None:
    """'2020-07' -> 2020-07-01; None if no such day exists."""
    year, month, day = parse(value)
    try:
        return dt.date(year, 1 if month is None else month, 1 if day is None else day)
    except ValueError:
        return None


def last_day(value: str) -> dt.date:
    """'2020' -> 2020-12-31, '2020-02' -> 2020-02-29: the end of the period a date of that precision covers."""
    year, month, day = parse(value)
    if month is None:
        return dt.date(year, 12, 31)
    if day is None:
        return dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)
    return dt.date(year, month, day)


@overload
def text(day: dt.date | str, precision: str) -> str: ...
@overload
def text(day: dt.date | str | None, precision: str | None) -> str | None: ...
def text(day: dt.date | str | None, precision: str | None) -> str | None:
    """A date as the text gave it, from its first day (a date or ISO text) and its precision:
    (2020-07-01, 'month') -> '2020-07'. None without both."""
    if not day or not precision:
        return None
    return (day if isinstance(day, str) else day.isoformat())[: _LENGTH[precision]]


def readable(day: dt.date | None, precision: str | None) -> str:
    """A date at its precision, as people read it: '2021', 'July 2020', '2020-09-18'; '' without both."""
    if day is None or not precision:
        return ""
    if precision == "year":
        return f"{day.year:04d}"
    if precision == "month":
        return f"{MONTHS[day.month]} {day.year:04d}"
    return day.isoformat()
