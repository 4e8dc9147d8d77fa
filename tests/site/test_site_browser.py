"""The comparison page in headless Chromium (Debian's chromium + chromedriver,
driven by Selenium): it loads without console errors and without requests to
other hosts, sorting and filtering work, and the calculator's numbers equal
runtime.Catalog.cost to the last digit.  A screenshot is kept in
test-artifacts/.  Skipped only when Chromium is missing outside CI."""

from __future__ import annotations

import functools
import http.server
import os
import re
import shutil
import tempfile
import threading
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest

from conftest import MINI, REPO, write_catalog
from everyday_helpers import EXTRA
from modelctl import runtime
from modelctl.query.opening import open_catalog
from modelctl.site import build_page


def _first(*candidates: str | None) -> str:
    return next((c for c in candidates if c and os.path.exists(c)), "")


# Debian's chromium + chromium-driver; on a GitHub-hosted runner, its preinstalled Chrome and ChromeDriver.
CHROMIUM = _first("/usr/bin/chromium", shutil.which("chromium"), shutil.which("google-chrome"))
CHROMEDRIVER = _first(
    "/usr/bin/chromedriver",
    os.path.join(os.environ.get("CHROMEWEBDRIVER", ""), "chromedriver") if os.environ.get("CHROMEWEBDRIVER") else None,
    shutil.which("chromedriver"),
)
ARTIFACTS = REPO / "test-artifacts"
TODAY = date(2026, 11, 25)

_missing = not (CHROMIUM and CHROMEDRIVER)
if _missing and os.environ.get("CI") != "true":
    pytest.skip(
        "chromium and chromium-driver are not installed (apt-get install chromium chromium-driver)",
        allow_module_level=True,
    )

if os.environ.get("CI") != "true":
    pytest.importorskip("selenium")
from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import Select  # noqa: E402


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def catalog() -> runtime.Catalog:
    return open_catalog(REPO / "catalog", public=True).catalog


@pytest.fixture(scope="module")
def fees_catalog(tmp_path_factory: pytest.TempPathFactory) -> runtime.Catalog:
    """The everyday test catalog (a per-request fee) and a model priced per image."""
    root = write_catalog(
        tmp_path_factory.mktemp("fees") / "cat", {**MINI, **EXTRA, "models/acme/painter.yaml": PAINTER}
    )
    return open_catalog(root, today=TODAY).catalog


@pytest.fixture(scope="module")
def url(catalog: runtime.Catalog, fees_catalog: runtime.Catalog) -> Iterator[str]:
    folder = Path(tempfile.mkdtemp(prefix="modelctl-site-"))
    (folder / "index.html").write_text(build_page(catalog, today=TODAY), encoding="utf-8")
    (folder / "fees.html").write_text(build_page(fees_catalog, today=TODAY), encoding="utf-8")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/index.html"
    server.shutdown()
    server.server_close()
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
def driver() -> Iterator[Any]:
    profile = tempfile.mkdtemp(prefix="modelctl-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--window-size=1400,1000",
        f"--user-data-dir={profile}",
    ):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    # The driver's path is given: Selenium Manager never tries to download one.
    chrome = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    yield chrome
    chrome.quit()
    shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture
def page(driver: Any, url: str) -> Any:
    driver.get(url)
    driver.get_log("browser")  # start each test with empty logs
    return driver


def _requests(driver: Any) -> list[str]:
    import json

    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message.get("method") == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


def test_loads_without_errors_or_foreign_requests(driver: Any, url: str) -> None:
    driver.get_log("performance")
    driver.get(url)
    assert driver.execute_script("return document.readyState") == "complete"
    errors = [e for e in driver.get_log("browser") if e["level"] in ("SEVERE", "WARNING")]
    assert errors == []
    # chrome:// (the browser's own new-tab page) and data: URLs are not requests to any host.
    network = [u for u in _requests(driver) if urlparse(u).scheme in ("http", "https", "ws", "wss", "ftp")]
    assert url in network
    assert {urlparse(u).hostname for u in network} == {"127.0.0.1"}
    assert "no-js" not in driver.find_element(By.TAG_NAME, "html").get_attribute("class")
    ARTIFACTS.mkdir(exist_ok=True)
    driver.save_screenshot(str(ARTIFACTS / "site.png"))
    driver.execute_script("document.getElementById('models').scrollIntoView()")
    driver.save_screenshot(str(ARTIFACTS / "site-models.png"))
    driver.execute_script("location.hash = '#m-google-gemini-2.5-pro'")
    driver.save_screenshot(str(ARTIFACTS / "site-details.png"))


def _visible_refs(driver: Any) -> list[str]:
    return driver.execute_script(
        "return Array.from(document.querySelectorAll('#model-table tbody tr'))"
        ".filter(r => !r.classList.contains('hidden')).map(r => r.dataset.ref)"
    )


def _header(driver: Any, label: str) -> Any:
    return driver.find_element(By.XPATH, f"//table[@id='model-table']//th/button[normalize-space()='{label}']")


def test_sorting(page: Any, catalog: runtime.Catalog) -> None:
    _header(page, "Input /1M").click()
    refs = _visible_refs(page)
    prices = [catalog.price(r, at=TODAY).prices.get("input_per_1m") for r in refs if _has_price(catalog, r)]
    assert prices == sorted(prices) and len(refs) == len(catalog)
    _header(page, "Input /1M").click()
    descending = [
        catalog.price(r, at=TODAY).prices.get("input_per_1m") for r in _visible_refs(page) if _has_price(catalog, r)
    ]
    assert descending == sorted(descending, reverse=True)
    th = page.find_element(By.XPATH, "//th[button[normalize-space()='Input /1M']]")
    assert th.get_attribute("aria-sort") == "descending"
    _header(page, "Context").click()
    contexts = [catalog.model(r).context_window for r in _visible_refs(page)]
    assert contexts == sorted(contexts)


def _has_price(catalog: runtime.Catalog, ref: str) -> bool:
    try:
        return "input_per_1m" in catalog.price(ref, at=TODAY).prices
    except runtime.NoPriceError:
        return False


def test_filtering_and_search(page: Any, catalog: runtime.Catalog) -> None:
    Select(page.find_element(By.ID, "f-provider")).select_by_value("anthropic")
    assert _visible_refs(page) == [m.ref for m in catalog.models(provider="anthropic")]
    Select(page.find_element(By.ID, "f-feature")).select_by_value("batch_api")
    assert _visible_refs(page) == [m.ref for m in catalog.models(provider="anthropic", feature="batch_api")]
    Select(page.find_element(By.ID, "f-provider")).select_by_value("")
    Select(page.find_element(By.ID, "f-feature")).select_by_value("")
    page.find_element(By.ID, "f-search").send_keys("gpt-4o-2024-08")  # an alias
    assert _visible_refs(page) == ["openai/gpt-4o"]
    assert page.find_element(By.ID, "f-count").text == f"Showing 1 of {len(catalog)} models"
    page.find_element(By.ID, "f-search").clear()
    page.execute_script("document.getElementById('f-search').dispatchEvent(new Event('input'))")
    page.find_element(By.ID, "f-available").click()
    assert _visible_refs(page) == [m.ref for m in catalog.models() if m.available]


def _set_workload(driver: Any, usage: dict[str, int], *, at: date = TODAY, variant: str = "") -> None:
    driver.execute_script(
        """
        const form = document.getElementById('calc-form'), usage = arguments[0];
        for (const input of form.querySelectorAll('input[inputmode=numeric]'))
          input.value = String(usage[input.name] ?? (input.name === 'requests' ? 1 : 0));
        form.elements.at.value = arguments[1];
        form.elements.variant.value = arguments[2];
        form.elements.all.checked = true;
        form.dispatchEvent(new Event('input'));
        """,
        usage,
        at.isoformat(),
        variant,
    )


_NEEDED = (
    "input_tokens",
    "cached_input_tokens",
    "cache_write_tokens",
    "cache_write_1h_tokens",
    "output_tokens",
    "reasoning_tokens",
)


def _apart(driver: Any) -> dict[str, str]:
    """Models listed as unable to take the workload, with the reason."""
    return driver.execute_script(
        "const out = {}; document.querySelectorAll('#calc-apart-list li')"
        ".forEach(li => out[li.dataset.ref] = li.textContent); return out;"
    )


def _page_totals(driver: Any) -> dict[str, str]:
    return driver.execute_script(
        "const out = {}; document.querySelectorAll('#calc-results tbody tr[data-total]')"
        ".forEach(r => out[r.dataset.ref] = r.dataset.total); return out;"
    )


CASES = [
    pytest.param({"input_tokens": 1234, "output_tokens": 567}, TODAY, "", id="plain"),
    pytest.param(
        {"input_tokens": 250_001, "cached_input_tokens": 40_000, "output_tokens": 3_333},
        date(2026, 2, 20),
        "",
        id="above-a-tier",
    ),
    pytest.param(
        {
            "input_tokens": 7,
            "cached_input_tokens": 123_457,
            "cache_write_tokens": 9_999,
            "cache_write_1h_tokens": 11,
            "output_tokens": 1,
            "reasoning_tokens": 77,
        },
        TODAY,
        "",
        id="cache-prices",
    ),
    pytest.param({"input_tokens": 300_000, "output_tokens": 12_345}, TODAY, "batch", id="batch-variant"),
    pytest.param({"input_tokens": 10, "output_tokens": 3, "requests": 3}, date(2025, 6, 1), "", id="history"),
]

PAINTER = """\
    # yaml-language-server: $schema=../../../schema/model.schema.json
    id: painter
    name: Painter
    status: active
    released: 2025-01-01
    limits: {context_window: 32000}
    modalities: {input: [text], output: [image]}
    features: [image_generation]
    pricing:
      - effective_from: 2025-01-01
        source: https://acme.example/pricing
        checked: 2026-11-01
        input_per_1m: 5.00
        output_image_per_1m: 40.00
        per_image: 0.039
        per_request: 0.0015
    """


@pytest.mark.parametrize(("usage", "at", "variant"), CASES)
def test_calculator_equals_the_runtime_to_the_last_digit(
    page: Any, catalog: runtime.Catalog, usage: dict[str, int], at: date, variant: str
) -> None:
    _set_workload(page, usage, at=at, variant=variant)
    shown = _page_totals(page)
    expected: dict[str, Decimal] = {}
    needed = sum(usage.get(f, 0) for f in _NEEDED)
    apart = _apart(page)
    for info in catalog.models():
        if info.context_window and needed > info.context_window:
            assert "larger than its context window" in apart.get(info.ref, ""), info.ref
            continue
        try:
            expected[info.ref] = catalog.cost(info.ref, runtime.Usage(**usage), at=at, variant=variant or None).total
        except (runtime.NoPriceError, runtime.UnsupportedUsageError):
            continue  # the page marks it too
    assert expected, "no model priced this workload"
    assert set(shown) == set(expected)
    for ref, total in expected.items():
        assert Decimal(shown[ref]) == total, ref
        # every digit of the exact value is on the page
        assert shown[ref] == format(total.normalize(), "f") if total else shown[ref] == "0"


def test_fees_per_request_and_per_image(driver: Any, url: str, fees_catalog: runtime.Catalog) -> None:
    driver.get(url.replace("index.html", "fees.html"))
    usage = {"input_tokens": 1234, "output_image_tokens": 4321, "requests": 3, "images": 2}
    _set_workload(driver, usage)
    shown = _page_totals(driver)
    painter = fees_catalog.cost("acme/painter", runtime.Usage(**usage), at=TODAY)
    assert set(painter.components) == {"input", "output_image", "request", "image"}
    assert Decimal(shown["acme/painter"]) == painter.total
    usage = {"input_tokens": 1000, "output_tokens": 10, "requests": 7}
    _set_workload(driver, usage)
    delta = fees_catalog.cost("acme/delta", runtime.Usage(**usage), at=TODAY)
    assert Decimal(_page_totals(driver)["acme/delta"]) == delta.total == Decimal("0.03604")
    unpriced = driver.find_element(By.CSS_SELECTOR, "#calc-results tr.unpriced[data-ref='acme/painter']")
    assert "no price for output tokens" in unpriced.get_attribute("textContent")


def test_a_tiered_model_is_priced_above_its_threshold(page: Any, catalog: runtime.Catalog) -> None:
    usage = {"input_tokens": 200_001, "output_tokens": 10}
    _set_workload(page, usage, at=date(2026, 2, 20))
    cost = catalog.cost("anthropic/claude-sonnet-4-6", runtime.Usage(**usage), at=date(2026, 2, 20))
    assert cost.tier == 200_000
    row = page.find_element(By.CSS_SELECTOR, "#calc-results tr[data-ref='anthropic/claude-sonnet-4-6']")
    assert Decimal(row.get_attribute("data-total")) == cost.total == Decimal("1.200231")
    assert "tier above 200,000" in row.get_attribute("textContent")


def test_typing_updates_the_calculator(page: Any, catalog: runtime.Catalog) -> None:
    field = page.find_element(By.NAME, "input_tokens")
    field.clear()
    field.send_keys("100,000")
    output = page.find_element(By.NAME, "output_tokens")
    output.clear()
    output.send_keys("0")
    first = page.find_element(By.CSS_SELECTOR, "#calc-results tbody tr")
    ref = first.get_attribute("data-ref")
    assert (
        Decimal(first.get_attribute("data-total"))
        == catalog.cost(ref, runtime.Usage(input_tokens=100_000), at=TODAY).total
    )
    field.send_keys("x")
    assert "invalid" in field.get_attribute("class")
    assert page.find_element(By.ID, "calc-status").text == "Token counts are whole numbers."


def test_model_links_open_their_details(page: Any) -> None:
    details = page.find_element(By.ID, "m-openai-gpt-4o")
    assert details.get_attribute("open") is None
    page.find_element(By.CSS_SELECTOR, "a[href='#m-openai-gpt-4o']").click()
    assert details.get_attribute("open") == "true"


# --- issue #18: the page as a product or finance person uses it ---------------------------------


def _errors(driver: Any) -> list[Any]:
    return [e for e in driver.get_log("browser") if e["level"] in ("SEVERE", "WARNING")]


def _rounded(value: Decimal, places: int) -> str:
    """What a person reads: half-even to ``places`` decimals, thousands separators (computed here, not by the page)."""
    return f"${value.quantize(Decimal(1).scaleb(-places), rounding='ROUND_HALF_EVEN'):,}"


def test_monthly_view_money_and_downloads_equal_the_runtime(page: Any, catalog: runtime.Catalog) -> None:
    import csv
    import io
    import json

    usage = {"input_tokens": 12_345, "output_tokens": 678, "cached_input_tokens": 2_000}
    _set_workload(page, usage)
    page.execute_script(
        "const f = document.getElementById('calc-form'); f.elements.view.value = 'month';"
        "f.elements.volume.value = '250,000'; f.dispatchEvent(new Event('change'));"
    )
    assert page.find_element(By.ID, "cost-head").text == "Cost per month (USD)"
    rows = list(csv.DictReader(io.StringIO(page.execute_script("return window.modelctlExport('csv')"))))
    doc = json.loads(page.execute_script("return window.modelctlExport('json')"))
    assert [r["model"] for r in rows] == [m["model"] for m in doc["models"]] and len(rows) > 20
    for row in rows:
        one = catalog.cost(row["model"], runtime.Usage(**usage), at=TODAY).total
        assert Decimal(row["cost_per_request"]) == one, row["model"]
        assert Decimal(row["cost_per_month"]) == one * 250_000, row["model"]
        assert row["requests_per_month"] == "250000"
    first = page.find_element(By.CSS_SELECTOR, "#calc-results tbody tr")
    expected = catalog.cost(first.get_attribute("data-ref"), runtime.Usage(**usage), at=TODAY).total * 250_000
    assert first.find_element(By.CSS_SELECTOR, "td.cost").text == _rounded(expected, 2)
    page.execute_script(
        "const f = document.getElementById('calc-form'); f.elements.view.value = 'request';"
        "f.dispatchEvent(new Event('change'));"
    )
    first = page.find_element(By.CSS_SELECTOR, "#calc-results tbody tr")
    one = catalog.cost(first.get_attribute("data-ref"), runtime.Usage(**usage), at=TODAY).total
    assert first.find_element(By.CSS_SELECTOR, "td.cost").text == _rounded(one, 6)
    assert _errors(page) == []


def test_choosing_a_variant_with_the_mouse_updates_the_results(page: Any, catalog: runtime.Catalog) -> None:
    Select(page.find_element(By.NAME, "variant")).select_by_value("batch")  # real clicks: a change event only
    first = page.find_element(By.CSS_SELECTOR, "#calc-results tbody tr")
    assert "batch" in first.text
    usage = runtime.Usage(input_tokens=10_000, output_tokens=1_000)
    assert (
        Decimal(first.get_attribute("data-total"))
        == catalog.cost(first.get_attribute("data-ref"), usage, at=TODAY, variant="batch").total
    )


def test_models_that_cannot_take_the_workload_are_shown_apart(page: Any, catalog: runtime.Catalog) -> None:
    _set_workload(page, {"input_tokens": 1000, "input_audio_tokens": 4000, "output_tokens": 10})
    apart, shown = _apart(page), _page_totals(page)
    deaf = [m.ref for m in catalog.models() if "audio" not in m.input_modalities]
    assert deaf and all("does not accept audio input" in apart[ref] for ref in deaf)
    assert not set(deaf) & set(shown)
    _set_workload(page, {"input_tokens": 400_000, "output_tokens": 10})
    apart = _apart(page)
    assert "larger than its context window (128,000)" in apart["openai/gpt-4o"]
    assert "openai/gpt-4o" not in _page_totals(page)


def test_side_by_side_comparison_of_chosen_models(page: Any, catalog: runtime.Catalog) -> None:
    picks = ["openai/gpt-4o", "anthropic/claude-sonnet-4-6", "google/gemini-3.8-flash"]
    for ref in picks:
        page.find_element(By.CSS_SELECTOR, f"input.pick-box[value='{ref}']").click()
    table = page.find_element(By.ID, "compare-table")
    heads = [th.text for th in table.find_elements(By.CSS_SELECTOR, "tr:first-child th")][1:]
    assert heads == [catalog.model(r).name for r in picks]
    rows = {
        tr.find_element(By.TAG_NAME, "th").text: [td.text for td in tr.find_elements(By.TAG_NAME, "td")]
        for tr in table.find_elements(By.CSS_SELECTOR, "tr")[1:]
    }
    assert rows["Context window"] == [f"{catalog.model(r).context_window:,}" for r in picks]
    assert rows["Input /1M"] == [str(catalog.price(r, at=TODAY).prices["input_per_1m"]) for r in picks]
    usage = runtime.Usage(input_tokens=10_000, output_tokens=1_000)
    assert rows["Cost per request"] == [_rounded(catalog.cost(r, usage, at=TODAY).total, 6) for r in picks]
    for ref in ["openai/gpt-4.1", "openai/gpt-4o-mini"]:
        page.find_element(By.CSS_SELECTOR, f"input.pick-box[value='{ref}']").click()
    sixth = page.find_element(By.CSS_SELECTOR, "input.pick-box[value='openai/o1']")
    assert sixth.get_attribute("disabled") == "true"  # at most five
    assert "compare=openai%2Fgpt-4o%2C" in page.current_url
    assert _errors(page) == []


def test_state_is_restored_from_the_url(driver: Any, url: str) -> None:
    driver.get(
        url + "?input_tokens=5000&view=month&volume=3000&variant=batch&provider=openai"
        "&compare=openai/gpt-4o,openai/gpt-4.1#m-openai-gpt-4o"
    )
    form = driver.find_element(By.ID, "calc-form")
    assert form.find_element(By.NAME, "input_tokens").get_attribute("value") == "5000"
    assert form.find_element(By.NAME, "volume").get_attribute("value") == "3000"
    assert Select(form.find_element(By.NAME, "variant")).first_selected_option.get_attribute("value") == "batch"
    assert driver.find_element(By.ID, "cost-head").text == "Cost per month (USD)"
    assert all(r.startswith("openai/") for r in _visible_refs(driver))
    assert len(driver.find_elements(By.CSS_SELECTOR, "#compare-table tr:first-child th")) == 3
    assert driver.find_element(By.ID, "m-openai-gpt-4o").get_attribute("open") == "true"
    field = form.find_element(By.NAME, "output_tokens")
    field.clear()
    field.send_keys("42")
    assert "output_tokens=42" in driver.current_url and "input_tokens=5000" in driver.current_url
    assert _errors(driver) == []


def test_no_horizontal_overflow_on_a_phone(driver: Any, url: str) -> None:
    try:
        driver.set_window_size(390, 844)
        driver.get(url + "?compare=openai/gpt-4o,anthropic/claude-sonnet-4-5")
        width = driver.execute_script("return document.documentElement.clientWidth")
        assert width <= 390
        assert driver.execute_script("return document.documentElement.scrollWidth") <= width
        ARTIFACTS.mkdir(exist_ok=True)
        driver.save_screenshot(str(ARTIFACTS / "site-390.png"))
        driver.execute_script("document.getElementById('models').scrollIntoView()")
        driver.save_screenshot(str(ARTIFACTS / "site-390-models.png"))
        assert _errors(driver) == []
    finally:
        driver.set_window_size(1400, 1000)


def test_dark_mode_follows_the_system(driver: Any, url: str) -> None:
    driver.execute_cdp_cmd(
        "Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": "dark"}]}
    )
    try:
        driver.get(url)
        rgb = driver.execute_script("return getComputedStyle(document.body).backgroundColor")
        channels = [int(c) for c in rgb[rgb.index("(") + 1 : rgb.index(")")].split(",")[:3]]
        assert max(channels) < 40, rgb
        ARTIFACTS.mkdir(exist_ok=True)
        driver.save_screenshot(str(ARTIFACTS / "site-dark.png"))
    finally:
        driver.execute_cdp_cmd(
            "Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": "light"}]}
        )
    rgb = driver.execute_script("return getComputedStyle(document.body).backgroundColor")
    assert min(int(c) for c in rgb[rgb.index("(") + 1 : rgb.index(")")].split(",")[:3]) > 200


def test_history_charts_have_ticks_lines_and_a_meaningful_label(page: Any, catalog: runtime.Catalog) -> None:
    page.execute_script("location.hash = '#m-openai-gpt-5.6-sol'")
    chart = page.find_element(By.CSS_SELECTOR, "#m-openai-gpt-5\\.6-sol svg.chart")
    label = chart.get_attribute("aria-label")
    periods = sorted(catalog.model("openai/gpt-5.6-sol").data["pricing"], key=lambda p: p["effective_from"])
    steps = " → ".join(f"{p['prices']['input_per_1m']} from {p['effective_from']}" for p in periods)
    assert label.startswith("Price history of GPT-5.6 Sol") and f"input: {steps}" in label
    ticks = [t.text for t in chart.find_elements(By.CSS_SELECTOR, "text.tick")]
    prices = [t for t in ticks if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", t)]  # beside the date ticks
    assert len(prices) >= 4 and prices[0] == "0.00"
    assert [Decimal(p) for p in prices] == sorted(Decimal(p) for p in prices)
    extra = chart.find_elements(By.CSS_SELECTOR, "g.extra")
    assert extra and not extra[0].is_displayed()
    page.find_element(By.ID, "show-extra").click()
    assert extra[0].is_displayed()
    titles = chart.find_elements(By.CSS_SELECTOR, "circle title")
    assert any("per 1M from" in t.get_attribute("textContent") for t in titles)


def test_skip_link_and_print_open_every_detail(page: Any) -> None:
    skip = page.find_element(By.CSS_SELECTOR, "a.skip")
    assert skip.get_attribute("href").endswith("#models")
    page.execute_script("window.dispatchEvent(new Event('beforeprint'))")
    closed = page.execute_script("return document.querySelectorAll('details.model-details:not([open])').length")
    assert closed == 0
    page.execute_script("window.dispatchEvent(new Event('afterprint'))")
    assert page.execute_script("return document.querySelectorAll('details.model-details[open]').length") == 0
