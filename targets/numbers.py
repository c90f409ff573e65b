"""Numbers as people read them on a page or in a sentence: one place, used by the `cn_number` template filter
and by the status reasons."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext

# A large amount is read with 万/亿 from 100,000 on ("671.16万斤"); 万元 becomes 亿元 at 10,000 万元.
_WAN = Decimal(10_000)
_YI = Decimal(100_000_000)
_READ_FROM = Decimal(100_000)


# The quantum of each number of decimals shown, made once: a plan page shows some 700 numbers.
_QUANTA = {places: Decimal(1).scaleb(-places) for places in (0, 2)}


def _grouped(number: Decimal, places: int) -> str:
    """1234567.5 → "1,234,567.5": thousands separators, at most `places` decimals, no trailing zeros."""
    rounded = number.quantize(_QUANTA[places], rounding=ROUND_HALF_UP)
    text = f"{rounded:,.{places}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _read_large(number: Decimal, unit: str) -> str:
    """An amount with its unit as a person reads it: 600000 万元 → "60亿元", 6711600 斤 → "671.16万斤"."""
    size = abs(number)
    if unit == "万元" and size >= _WAN:
        return f"{_grouped(number / _WAN, 2)}亿元"
    if unit not in ("万元", "亿元") and size >= _YI:
        return f"{_grouped(number / _YI, 2)}亿{unit}"
    if unit not in ("万元", "亿元") and size >= _READ_FROM:
        return f"{_grouped(number / _WAN, 2)}万{unit}"
    if unit == "%":
        # The sign sits close in Chinese (98.5%), as the light's reasons write it; English spaces it.
        return gettext("%(n)s %%") % {"n": _grouped(number, 2)}
    return f"{_grouped(number, 2)} {unit}"


def shown(value, mode: str = "") -> str:
    """Every number a page shows, in one place.

    {{ v|cn_number }} "1,234.5" (thousands separators, at most two decimals, no trailing zeros);
    {{ n|cn_number:"count" }} "1,235" (a count: no decimals);
    {{ v|cn_number:"money" }} "1,234.50" (万元 in a table headed by its unit: two decimals kept);
    {{ v|cn_number:"input" }} "90.2" (an input's value: no separators, no trailing zeros);
    {{ v|cn_number:indicator.unit }} "671.16万斤", "60亿元", "1,200 座", "98%" (a value with its unit, large
    amounts read with 万/亿).
    None and text that is not a number show as "—".
    """
    if type(value) is Decimal:
        # Every figure read from the database: taken as it is, not written out and read again, and not
        # compared with "" (Decimal's comparison with a str goes through an abstract-class check).
        number = value
    elif value is None or value == "":
        return "—"
    else:
        try:
            number = Decimal(str(value))
        except (InvalidOperation, ValueError, TypeError):
            return "—"
    if not number.is_finite():
        return "—"
    if mode == "count":
        return _grouped(number, 0)
    if mode == "money":
        return f"{number.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):,.2f}"
    if mode == "input":
        return format(number.normalize(), "f")
    if mode:
        return _read_large(number, str(mode))
    return _grouped(number, 2)
