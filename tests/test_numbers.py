import re

import numpy as np
import pytest

from scenes.plans.numbers import SIGNIFICANT, fmt, num, percent, prob, signed


def significant(s: str) -> int:
    mantissa = s.split("×")[0]
    digits = re.sub(r"[^0-9]", "", mantissa).lstrip("0")
    if "." not in mantissa:  # trailing zeros of a whole number only hold places: 12080 has four
        digits = digits.rstrip("0")
    return len(digits)


@pytest.mark.parametrize("v", [0.9999999977, 123.456, 12083.4, -45.678, 0.123456, 1.23456, 9999.96, 0.00123])
def test_at_most_four_significant_digits(v):
    for text in (fmt(v), fmt(v, 3), num(v), num(v, 4)):
        assert significant(text) <= SIGNIFICANT, text


def test_readable_forms():
    assert fmt(0.9999999977) == "1.00"
    assert fmt(-0.0001) == "0"  # never "-0"
    assert fmt(5.0) == "5" and fmt(-1.0) == "-1"
    assert fmt(123.456) == "123.5"
    assert num(2.3e-9) == "2.30×10⁻⁹"  # scientific only below 0.001
    assert num(0.0512) == "0.0512" and num(12.345) == "12.3" and num(3.0) == "3"
    assert prob(0.9999999977) == "1.000" and prob(0.91234) == "0.912" and prob(2.3e-9) == "<0.001"
    assert prob(0.0) == "0.000"
    assert percent(0.9975) == "99.8%" and percent(0.5) == "50%"
    assert signed(-0.4219) == "(-0.42)" and signed(0.4219) == "0.42"


def test_no_scientific_notation_at_or_above_a_thousandth():
    for v in np.geomspace(1e-3, 1e6, 50):
        assert "×" not in num(v) and "e" not in num(v)
