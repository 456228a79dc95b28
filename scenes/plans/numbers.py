"""Numbers as a viewer reads them: at most four significant digits, no "-0", no 0.9999999977."""

from __future__ import annotations

import math

SIGNIFICANT = 4  # never more significant digits on screen than this
_SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def _decimals_for(value: float, decimals: int) -> int:
    """``decimals``, reduced so that the number keeps at most ``SIGNIFICANT`` significant digits."""
    a = abs(float(f"{value:.{SIGNIFICANT}g}"))
    if a == 0:
        return decimals
    leading = math.floor(math.log10(a)) + 1  # digits before the decimal point (<= 0 below 1)
    return max(0, min(decimals, SIGNIFICANT - leading))


def fmt(value: float, decimals: int = 2) -> str:
    """A number for a cell or a label: whole numbers plainly, others with ``decimals`` decimals (fewer
    when that would give more than four significant digits); never "-0".

    Large values round to four significant digits (12083.4 -> "12080").
    """
    v = float(value)
    if math.isnan(v):
        return "NaN"
    if math.isinf(v):
        return "∞" if v > 0 else "-∞"
    if abs(v) >= 10**SIGNIFICANT:
        digits = math.floor(math.log10(abs(v))) + 1
        v = round(v, SIGNIFICANT - digits)
        return str(int(v))
    if v.is_integer():
        return str(int(v))
    s = f"{v:.{_decimals_for(v, decimals)}f}"
    return "0" if float(s) == 0 else s


def num(value: float, sig: int = 3) -> str:
    """A value whose size varies a lot (exponentials, losses, gradients) with ``sig`` significant
    digits (at most four); scientific notation only below 0.001, e.g. ``2.30×10⁻⁴``."""
    v = float(value)
    sig = min(sig, SIGNIFICANT)
    if math.isnan(v) or math.isinf(v) or v.is_integer():
        return fmt(v)
    if abs(v) < 1e-3:
        mantissa, exponent = f"{v:.{sig - 1}e}".split("e")
        return f"{mantissa}×10{str(int(exponent)).translate(_SUPERSCRIPT)}"
    v = float(f"{v:.{sig}g}")  # rounded first, so 0.99999 counts its digits as 1.000 does
    leading = math.floor(math.log10(abs(v))) + 1
    if leading >= sig:
        return fmt(round(v, sig - leading) if leading > sig else round(v))
    s = f"{v:.{sig - leading}f}"
    return "0" if float(s) == 0 else s


def prob(p: float, decimals: int = 3) -> str:
    """A probability with ``decimals`` decimals (0.912); one that rounds to 1 reads "1.000" and one
    that rounds to 0 but is not zero reads "<0.001" (the words, not 0.9999999977 or 2.3e-9)."""
    p = float(p)
    s = f"{p:.{decimals}f}"
    if p > 0 and float(s) == 0:
        return "<" + f"{10**-decimals:.{decimals}f}"
    return s


def percent(p: float) -> str:
    """A share (0-1) as a percentage with at most one decimal: 0.9975 -> "99.8%", 0.5 -> "50%"."""
    s = f"{100 * float(p):.1f}".rstrip("0").rstrip(".")
    return f"{s}%"


def signed(value: float, decimals: int = 2) -> str:
    """``fmt`` with brackets round a negative, for a term inside a sum: "(-0.42)"."""
    s = fmt(value, decimals)
    return f"({s})" if s.startswith("-") else s


def nice_step(span: float, count: int = 4) -> float:
    """A round tick spacing (1, 2 or 5 times a power of ten) giving about ``count`` ticks."""
    raw = span / count
    base = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 5, 10):
        if m * base >= raw:
            return m * base
    return 10 * base


def shape_text(shape) -> str:
    """A tensor shape as the chapters write it: (C, H, W) -> "H×W×C", (n,) -> "n"."""
    shape = tuple(int(d) for d in shape)
    if len(shape) == 3:
        c, h, w = shape
        return f"{h}×{w}×{c}"
    return "×".join(str(d) for d in shape)
