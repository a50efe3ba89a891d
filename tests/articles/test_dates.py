import datetime

import pytest

from articles.dates import add_months


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (datetime.date(2026, 3, 4), 12, datetime.date(2027, 3, 4)),
        (datetime.date(2026, 1, 31), 1, datetime.date(2026, 2, 28)),
        (datetime.date(2028, 1, 31), 1, datetime.date(2028, 2, 29)),
        (datetime.date(2028, 2, 29), 12, datetime.date(2029, 2, 28)),
        (datetime.date(2026, 12, 15), 1, datetime.date(2027, 1, 15)),
        (datetime.date(2026, 8, 31), 6, datetime.date(2027, 2, 28)),
    ],
)
def test_add_months_clamps_to_the_end_of_short_months(start, months, expected):
    assert add_months(start, months) == expected
