"""site: catalog strings cannot change how the browser parses the page's data
element (a name ``GPT-4o <!--<script>`` used to switch off all its JavaScript)."""

from __future__ import annotations

import json
import re
from datetime import date

from conftest import MakeCatalog
from everyday_helpers import EXTRA, runtime_of
from modelctl.site import build_page

HOSTILE = "GPT-4o <!--<script> </script> & \u2028 -->"


def test_data_element_has_no_markup_characters(make_catalog: MakeCatalog) -> None:
    beta = EXTRA["models/acme/delta.yaml"]
    assert beta is not None
    root = make_catalog(
        {**EXTRA, "models/acme/delta.yaml": beta.replace("name: Delta Search", f"name: {json.dumps(HOSTILE)}")}
    )
    page = build_page(runtime_of(root), today=date(2026, 11, 25))
    start = page.index('<script type="application/json" id="catalog-data">') + len(
        '<script type="application/json" id="catalog-data">'
    )
    raw = page[start : page.index("</script>", start)]
    # Not one "<", ">" or "&" inside the element: nothing can open a comment or a tag.
    assert not re.search(r"[<>&\u2028\u2029]", raw)
    data = json.loads(raw)
    names = [m["name"] for m in data["models"]]
    assert HOSTILE in names  # decodes to the very same name
    # The rest of the page still has its scripts after the data element.
    assert page.count("<script") == page.count("</script>")
