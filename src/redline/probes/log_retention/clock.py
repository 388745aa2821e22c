"""Log timestamps to epoch seconds, with the expensive part (the calendar) cached per hour prefix.

strptime per line was the largest cost of a first version; the date/hour prefix of a timestamp repeats for
thousands of lines, so it is parsed once and the minutes and seconds are added as integers (measured).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

MONTHS = {name.encode(): index for index, name in enumerate(calendar.month_abbr) if name}
NAIVE = "naive"
EPOCH = "epoch"
_ISO = re.compile(r"(\d{4})-(\d\d)-(\d\d)[T ](\d\d):(\d\d):(\d\d)(\.\d+)?\s*(Z|[+-]\d\d:?\d\d)?$")
_NAIVE_OFFSET = 8 * 3600  # a timestamp without a zone is read as China Standard Time


def offset_seconds(zone: str) -> int:
    """ "+0800", "+08:00", "Z" -> seconds east of UTC."""
    if zone in ("Z", EPOCH):
        return 0
    if zone == NAIVE:
        return _NAIVE_OFFSET
    digits = zone[1:].replace(":", "")
    value = int(digits[:2]) * 3600 + int(digits[2:4]) * 60
    return -value if zone[0] == "-" else value


class Clock:
    """Parses timestamps of any supported shape; one instance per scan, its caches bounded by hours seen."""

    def __init__(self) -> None:
        self._local_hours: dict[bytes, int] = {}
        self._iso_hours: dict[str, int] = {}

    def local_hour(self, prefix: bytes, zone: bytes) -> int | None:
        """`dd/Mon/yyyy:HH` and `+zzzz` (nginx $time_local) -> epoch second of that hour."""
        key = prefix + zone
        cached = self._local_hours.get(key)
        if cached is not None:
            return cached
        try:
            month = MONTHS[prefix[3:6]]
            moment = dt.datetime(int(prefix[7:11]), month, int(prefix[:2]), int(prefix[12:14]), tzinfo=dt.UTC)
            value = int(moment.timestamp()) - offset_seconds(zone.decode("ascii"))
        except (KeyError, ValueError, UnicodeDecodeError):
            return None
        if len(self._local_hours) < 200_000:
            self._local_hours[key] = value
        return value

    def local(self, value: bytes) -> tuple[int, str] | None:
        """`dd/Mon/yyyy:HH:MM:SS +zzzz` -> (epoch seconds, zone)."""
        if len(value) != 26:
            return None
        hour = self.local_hour(value[:14], value[21:])
        if hour is None or not (value[15:17].isdigit() and value[18:20].isdigit()):
            return None
        return hour + int(value[15:17]) * 60 + int(value[18:20]), value[21:].decode("ascii")

    def parse(self, value: object) -> tuple[int, str] | None:
        """Any supported timestamp (time_local, ISO 8601, epoch seconds or milliseconds) -> (seconds, zone)."""
        if isinstance(value, bytes):
            if len(value) == 26 and value[2:3] == b"/":
                return self.local(value)
            value = value.decode("utf-8", "replace")
        if isinstance(value, bool):
            return None
        if isinstance(value, int | float):
            return _epoch(float(value))
        text = str(value).strip()
        if len(text) == 26 and text[2:3] == "/":
            return self.local(text.encode("ascii", "replace"))
        if text.replace(".", "", 1).isdigit():
            return _epoch(float(text))
        return self._iso(text)

    def _iso(self, text: str) -> tuple[int, str] | None:
        match = _ISO.match(text)
        if match is None:
            return None
        zone = match.group(8) or NAIVE
        key = text[:13] + zone
        hour = self._iso_hours.get(key)
        if hour is None:
            try:
                moment = dt.datetime(
                    int(match.group(1)), int(match.group(2)), int(match.group(3)), int(match.group(4)), tzinfo=dt.UTC
                )
            except ValueError:
                return None
            hour = int(moment.timestamp()) - offset_seconds(zone)
            if len(self._iso_hours) < 200_000:
                self._iso_hours[key] = hour
        minutes, seconds = int(match.group(5)), int(match.group(6))
        if minutes > 59 or seconds > 60:
            return None
        return hour + minutes * 60 + seconds, "+0000" if zone == "Z" else zone.replace(":", "")


def _epoch(number: float) -> tuple[int, str] | None:
    if number > 1e14:
        return None
    seconds = number / 1000 if number > 1e11 else number  # milliseconds since the epoch
    return int(seconds), EPOCH


def iso(seconds: int, zone_offset: int = _NAIVE_OFFSET) -> str:
    """Epoch seconds as local time at the given offset, e.g. "2026-03-01 00:00:00 +08:00"."""
    zone = dt.timezone(dt.timedelta(seconds=zone_offset))
    return dt.datetime.fromtimestamp(seconds, zone).strftime("%Y-%m-%d %H:%M:%S %z").replace("+0800", "+08:00")
