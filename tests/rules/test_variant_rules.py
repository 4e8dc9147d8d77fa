"""MC314-MC317: time-of-day windows that give one instant two prices (or say nothing), and aliases
that name a variant the model does not price. Each bad catalog is found at its file and line (the
line is checked to hold what the finding is about); each near miss is silent."""

from __future__ import annotations

import textwrap
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from conftest import MINI, MakeCatalog
from helpers import check
from modelctl.artifact.compile import SourceInfo
from modelctl.artifact.publish import publish
from modelctl.runtime import Catalog, NoPriceError, Usage

ALPHA = "models/acme/alpha.yaml"
OLD_VARIANTS = (
    "    variants:\n"
    "      batch: {input_per_1m: 1.00, output_per_1m: 4.00, tiers: [{above_input_tokens: 128000, input_per_1m: 2.00}]}\n"
)
CODES = ("MC314", "MC315", "MC316", "MC317")


def alpha(variants: str, aliases: str = "[alpha-2025-01-01]", older: str = "") -> dict[str, str | None]:
    text = textwrap.dedent(MINI[ALPHA])
    assert OLD_VARIANTS in text
    text = text.replace(OLD_VARIANTS, "    variants:\n" + textwrap.indent(textwrap.dedent(variants), " " * 6), 1)
    text = text.replace(
        "    tiers:\n      - {above_input_tokens: 128000, input_per_1m: 4.00, output_per_1m: 16.00}\n", ""
    )
    text = text.replace("aliases: [alpha-2025-01-01]", f"aliases: {aliases}")
    if older:
        text += textwrap.indent(textwrap.dedent(older), " " * 4)
    return {ALPHA: text}


def findings(make_catalog: MakeCatalog, files: dict[str, str | None]) -> tuple[Path, list[tuple[str, str, int, int]]]:
    root = make_catalog(files)
    _, found = check(root)
    return root, [f for f in found if f[0] in CODES]


def line(root: Path, rel: str, number: int) -> str:
    return (root / rel).read_text().splitlines()[number - 1]


def messages(root: Path) -> list[str]:
    result, _ = check(root)
    return [f.message for f in result.findings if f.code in CODES]


# --- MC314: windows of two variants hold the same instant ---------------------------------------

TWO_VARIANTS = """\
off_peak:
  input_per_1m: 1.00
  windows:
    - {{start: "22:00", end: "06:00"}}
night:
  input_per_1m: 0.50
  windows:
    - {{start: "{start}", end: "07:00", weekdays: [mon]}}
"""


def test_two_variants_holding_one_instant_is_an_error(make_catalog: MakeCatalog) -> None:
    root, found = findings(make_catalog, alpha(TWO_VARIANTS.format(start="05:00")))
    ((code, rel, number, _col),) = found
    assert (code, rel) == ("MC314", ALPHA)
    assert 'start: "05:00"' in line(root, rel, number)  # the later variant's window
    (msg,) = messages(root)
    # off_peak runs past midnight to 06:00; night is Mondays 05:00-07:00: both on Monday 05:00-06:00
    assert "both hold mon 05:00-06:00 UTC" in msg and "bills 'night', the first by name" in msg
    result, _ = check(root)
    assert not result.valid


@pytest.mark.parametrize(
    "variants",
    [
        pytest.param(TWO_VARIANTS.format(start="06:00"), id="end-excluded"),
        pytest.param(
            TWO_VARIANTS.format(start="05:00").replace('end: "06:00"}', 'end: "06:00", weekdays: [sat, sun]}'),
            id="other-days",
        ),
        pytest.param(TWO_VARIANTS.format(start="05:00").replace('end: "07:00"', 'end: "05:00"'), id="empty-window"),
    ],
)
def test_windows_that_meet_or_fall_on_other_days_are_fine(make_catalog: MakeCatalog, variants: str) -> None:
    _, found = findings(make_catalog, alpha(variants))
    assert found == []


def test_two_windows_past_midnight_overlap_after_it(make_catalog: MakeCatalog) -> None:
    variants = """\
    late: {input_per_1m: 1.00, windows: [{start: "23:00", end: "01:00"}]}
    early: {input_per_1m: 0.50, windows: [{start: "00:30", end: "02:00"}]}
    """
    root, found = findings(make_catalog, alpha(variants))
    assert [f[0] for f in found] == ["MC314"]
    (msg,) = messages(root)
    assert "both hold every day 00:30-01:00 UTC" in msg and "bills 'early'" in msg


def test_the_overlap_is_real_the_runtime_bills_the_first_by_name(make_catalog: MakeCatalog, tmp_path: Path) -> None:
    # What MC314 warns about: at Monday 05:30 both windows hold; cost() bills night (0.50), not off_peak.
    root = make_catalog(alpha(TWO_VARIANTS.format(start="05:00")))
    catalog = _runtime(root, tmp_path, rules={"MC314": "warning"})
    monday = datetime(2026, 11, 23, 5, 30, tzinfo=UTC)
    assert catalog.cost("acme/alpha", Usage(input_tokens=100_000), at=monday).total == Decimal("0.05")


# --- MC315: a window of a variant inside another of the same variant -------------------------------


def test_a_window_inside_another_of_its_variant_is_a_warning(make_catalog: MakeCatalog) -> None:
    variants = """\
    off_peak:
      input_per_1m: 1.00
      windows:
        - {start: "00:00", end: "24:00", weekdays: [sat, sun]}
        - {start: "10:00", end: "12:00", weekdays: [sat]}
    """
    root, found = findings(make_catalog, alpha(variants))
    ((code, rel, number, _col),) = found
    assert code == "MC315" and 'start: "10:00"' in line(root, rel, number)
    assert "windows[1] (10:00-12:00) lies inside windows[0]" in messages(root)[0]
    result, _ = check(root)
    assert result.valid  # a warning: the price is the same either way


def test_deepseeks_daily_hours_plus_whole_weekends_are_fine(make_catalog: MakeCatalog) -> None:
    # catalog/models/deepseek/deepseek-v4-flash.yaml: the windows overlap on weekends, each adds something
    variants = """\
    off_peak:
      input_per_1m: 1.00
      windows:
        - {start: "10:00", end: "01:00"}
        - {start: "04:00", end: "06:00"}
        - {start: "00:00", end: "24:00", weekdays: [sat, sun]}
    """
    _, found = findings(make_catalog, alpha(variants))
    assert found == []


# --- MC316 / MC317: an alias naming a variant -------------------------------------------------------

ALIASES = "[alpha-2025-01-01, {name: eu.alpha, variant: %s}]"
REGIONAL = "regional: {input_per_1m: 2.20, output_per_1m: 8.80}\n"


def test_an_alias_naming_a_variant_nobody_prices_is_an_error(make_catalog: MakeCatalog) -> None:
    root, found = findings(make_catalog, alpha(REGIONAL, aliases=ALIASES % "regoinal"))
    ((code, rel, number, col),) = found
    assert code == "MC316" and "variant: regoinal" in line(root, rel, number)
    assert line(root, rel, number)[col - 1 :].startswith("regoinal")  # the column of the variant's name
    (msg,) = messages(root)
    assert "names variant 'regoinal', which no price period of acme/alpha offers (its variants: regional)" in msg
    result, _ = check(root)
    assert not result.valid


def test_an_alias_naming_a_variant_of_an_old_period_only_is_a_warning(make_catalog: MakeCatalog) -> None:
    older = "variants:\n  regional: {input_per_1m: 3.30, output_per_1m: 13.20}\n"
    root, found = findings(
        make_catalog, alpha("batch: {input_per_1m: 1.00}\n", aliases=ALIASES % "regional", older=older)
    )
    ((code, rel, number, _col),) = found
    assert code == "MC317" and "variant: regional" in line(root, rel, number)
    assert "the period in force today (from 2025-06-01) does not offer" in messages(root)[0]


def test_the_warning_is_true_the_alias_cannot_be_priced_today(make_catalog: MakeCatalog, tmp_path: Path) -> None:
    older = "variants:\n  regional: {input_per_1m: 3.30, output_per_1m: 13.20}\n"
    root = make_catalog(alpha("batch: {input_per_1m: 1.00}\n", aliases=ALIASES % "regional", older=older))
    catalog = _runtime(root, tmp_path)
    with pytest.raises(NoPriceError, match="regional"):
        catalog.cost("acme/eu.alpha", Usage(input_tokens=1000), at="2026-11-25")
    then = catalog.cost("acme/eu.alpha", Usage(input_tokens=100_000), at="2025-03-01")  # the older period had it
    assert then.total == Decimal("0.33")


def test_an_alias_naming_a_variant_the_current_period_prices_is_fine(make_catalog: MakeCatalog) -> None:
    _, found = findings(make_catalog, alpha(REGIONAL, aliases=ALIASES % "regional"))
    assert found == []


def _runtime(root: Path, tmp_path: Path, rules: dict[str, str] | None = None) -> Catalog:
    if rules:
        catalog_yaml = root / "catalog.yaml"
        text = catalog_yaml.read_text()
        catalog_yaml.write_text(text + "rules: {" + ", ".join(f"{k}: {v}" for k, v in rules.items()) + "}\n")
    result = publish(root, tmp_path / "dist", source=SourceInfo())
    assert result.path is not None, [str(f) for f in result.validation.findings]
    return Catalog.load(result.path)
