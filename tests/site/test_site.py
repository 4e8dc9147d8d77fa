"""site: the page is self-contained, readable without JavaScript, carries
exact prices, charts only histories, and never shows accounts."""

from __future__ import annotations

import json
import re
from datetime import date
from html.parser import HTMLParser

import pytest

from conftest import REPO, MakeCatalog
from everyday_helpers import everyday_catalog, runtime_of
from modelctl import runtime
from modelctl.query.opening import open_catalog
from modelctl.site import build_page, page_data
from modelctl.site.chart import history_chart

TODAY = date(2026, 11, 25)


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[tuple[str, str, str]] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        for name, value in attrs:
            if name in ("src", "href", "action", "poster", "srcset", "data") and value is not None:
                self.urls.append((tag, name, value))


@pytest.fixture
def page(make_catalog: MakeCatalog) -> str:
    return build_page(runtime_of(everyday_catalog(make_catalog)), today=TODAY)


def test_nothing_is_loaded_from_anywhere(page: str) -> None:
    parser = _Links()
    parser.feed(page)
    loading = [(t, n, v) for t, n, v in parser.urls if not (t == "a" and n == "href")]
    assert loading == [("link", "href", "data:,")]  # the favicon, inline
    assert "link" in parser.tags and "style" in parser.tags and "script" in parser.tags
    assert "@import" not in page and "url(" not in page and "fetch(" not in page and "XMLHttpRequest" not in page
    assert not re.search(r"<script[^>]+src=", page)


def test_the_table_is_in_the_html(page: str) -> None:
    rows = re.findall(r'<tr data-ref="([^"]+)"', page)
    assert rows == ["acme/alpha", "acme/beta", "acme/delta", "acme/gamma", "acme/old", "zeta/alpha"]
    alpha = page[page.index('<tr data-ref="acme/alpha"') :].split("</tr>")[0]
    assert ">2.00<" in alpha and ">8.00<" in alpha and ">0.20<" in alpha and "200,000" in alpha
    assert 'class="no-js"' in page and ".no-js .needs-js { display: none; }" in page
    assert page.count('class="model-details" open>') == 6  # without JavaScript every model's details show


def test_embedded_data_keeps_prices_as_decimal_strings(make_catalog: MakeCatalog) -> None:
    cat = runtime_of(everyday_catalog(make_catalog))
    page = build_page(cat, today=TODAY)
    raw = re.search(r'<script type="application/json" id="catalog-data">(.*?)</script>', page, re.S)
    assert raw is not None
    data = json.loads(raw.group(1))
    assert data == json.loads(json.dumps(page_data(cat, today=TODAY)))
    alpha = next(m for m in data["models"] if m["ref"] == "acme/alpha")
    assert alpha["pricing"][0]["prices"]["input_per_1m"] == "2.00"
    assert alpha["pricing"][0]["variants"]["batch"]["tiers"][0]["above_input_tokens"] == 128000
    assert [c[0] for c in data["components"]][:3] == ["input_tokens", "output_tokens", "cached_input_tokens"]
    assert not re.search(r"\d\.\d+e-\d", raw.group(1))  # no float formatting anywhere


def test_charts_only_for_models_with_a_history(page: str) -> None:
    charts = re.findall(r'<details id="(m-[^"]+)".*?</details>', page, re.S)
    with_chart = [m for m in charts if '<svg class="chart"' in page.split(f'id="{m}"')[1].split("</details>")[0]]
    assert with_chart == ["m-acme-alpha"]


def test_chart_labels_are_exact_and_scheduled_changes_show() -> None:
    periods = [
        {"effective_from": "2027-01-01", "prices": {"input_per_1m": "0.375", "output_per_1m": "1.5"}},
        {"effective_from": "2025-01-01", "prices": {"input_per_1m": "0.50", "output_per_1m": "1.50"}},
    ]
    svg = history_chart(periods, today=TODAY)
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert "input: 0.375 per 1M from 2027-01-01" in svg and ">2027-01-01<" in svg and ">1.50<" in svg


def test_accounts_are_never_on_the_page(tmp_path_factory: pytest.TempPathFactory) -> None:
    opened = open_catalog(REPO / "catalog", public=True)
    assert opened.catalog.accounts() == []
    page = build_page(opened.catalog, today=TODAY)
    full = open_catalog(REPO / "catalog").catalog
    for account in full.accounts():
        assert account not in page


def test_escapes_what_it_shows(make_catalog: MakeCatalog) -> None:
    cat = runtime_of(everyday_catalog(make_catalog))
    page = build_page(cat, today=TODAY, title="<b>Prices & co</b>")
    assert "<title>&lt;b&gt;Prices &amp; co&lt;/b&gt;</title>" in page


def test_reference_catalog_page_builds(tmp_path_factory: pytest.TempPathFactory) -> None:
    cat: runtime.Catalog = open_catalog(REPO / "catalog", public=True).catalog
    page = build_page(cat, today=TODAY)
    assert page.count("<tr data-ref=") == len(cat)
    assert "</script>" not in page.split('id="catalog-data">')[1].split("</script>")[0]


def test_details_show_variant_tiers_with_inherited_prices(page: str) -> None:
    alpha = page.split('<details id="m-acme-alpha"')[1].split("</details>")[0]
    assert "batch above 128,000 input tokens:" in alpha
    tier = alpha.split("batch above 128,000 input tokens:")[1].split("</ul>")[0]
    assert '<span title="input_per_1m">Input</span> 2.00' in tier
    assert '<li class="inherited"><span title="output_per_1m">Output</span> 4.00 (inherited)</li>' in tier
