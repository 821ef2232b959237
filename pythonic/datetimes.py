"""WS_DATETIME <-> `datetime`: pure arithmetic, no DLL call.

A WS_DATETIME counts 100-nanosecond ticks since 0001-01-01T00:00:00 UTC
(proleptic Gregorian), up to one tick before the year 10000; its `format`
only says how the value is shown as text, never how to read the ticks. A tick
count of 0 is how the API says "no time" (for example a security token
without a start of validity), so it reads as None.

`datetime` resolves microseconds (10 ticks): reading truncates the
sub-microsecond ticks (towards the past), which `datetime` cannot hold;
writing is exact.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

TICKS_PER_MICROSECOND = 10
TICKS_PER_SECOND = 10_000_000
MAX_TICKS = 3_155_378_975_999_999_999  # 9999-12-31T23:59:59.9999999Z
EPOCH = datetime(1, 1, 1, tzinfo=UTC)
UNIX_EPOCH_TICKS = 621_355_968_000_000_000  # 1970-01-01T00:00:00Z
FILETIME_EPOCH_TICKS = 504_911_232_000_000_000  # 1601-01-01T00:00:00Z


def datetime_from_ticks(ticks: int) -> datetime | None:
    """The UTC moment of a tick count; None for 0 (no time given)."""
    if ticks == 0:
        return None
    if not 0 < ticks <= MAX_TICKS:
        raise ValueError(f"{ticks} is not a WS_DATETIME tick count (0 to {MAX_TICKS})")
    return EPOCH + timedelta(microseconds=ticks // TICKS_PER_MICROSECOND)


def ticks_from_datetime(moment: datetime) -> int:
    """The tick count of an aware `datetime`.

    A naive `datetime` is refused: the ticks are UTC, and guessing the zone of
    a naive value (local? UTC?) is the classic source of hour-sized errors.
    """
    offset = moment.utcoffset()
    if offset is None:
        raise ValueError(
            f"{moment!r} has no time zone; WS_DATETIME ticks are UTC, so pass an aware "
            "datetime (e.g. datetime.now(UTC))"
        )
    # Integer arithmetic on the parts: no float rounding. The offset is applied
    # to the tick count, not to the datetime, so 0001-01-01T00:30+01:00 is
    # reported as out of range rather than as an OverflowError.
    since = moment.replace(tzinfo=None) - EPOCH.replace(tzinfo=None) - offset
    ticks = (
        since.days * 86_400 + since.seconds
    ) * TICKS_PER_SECOND + since.microseconds * TICKS_PER_MICROSECOND
    if not 0 <= ticks <= MAX_TICKS:
        raise ValueError(f"{moment.isoformat()} lies outside the WS_DATETIME range")
    return ticks


def filetime_from_ticks(ticks: int) -> int:
    """The FILETIME value (100 ns since 1601-01-01 UTC) of a tick count."""
    if not FILETIME_EPOCH_TICKS <= ticks <= MAX_TICKS:
        raise ValueError(f"{ticks} ticks lie outside the FILETIME range")
    return ticks - FILETIME_EPOCH_TICKS
