"""Calendar arithmetic for review cycles."""

import calendar
import datetime


def add_months(day: datetime.date, months: int) -> datetime.date:
    """`day` plus `months` calendar months, clamped to the end of a shorter month.

    31 January + 1 month is 28 (or 29) February; 29 February + 12 months is 28 February.
    """
    month_index = day.month - 1 + months
    year = day.year + month_index // 12
    month = month_index % 12 + 1
    last_day = calendar.monthrange(year, month)[1]
    return datetime.date(year, month, min(day.day, last_day))
