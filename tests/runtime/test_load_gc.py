"""What a load leaves the cyclic GC: the loaded catalog in the oldest generation (the young
collections that follow do not scan it again), nothing frozen, the application's frozen objects and
a disabled GC left as they were, and the young garbage collected before it could be promoted."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from distribution_origin import artifact

from modelctl.runtime import ArtifactError, Catalog


@pytest.fixture
def raw(tmp_path: Path) -> bytes:
    return artifact("repo", 100, tmp_path)  # the repository catalog: thousands of containers


@pytest.fixture(autouse=True)
def gc_as_found() -> Iterator[None]:
    enabled = gc.isenabled()
    yield
    gc.unfreeze()  # a test froze objects: never leave them frozen
    if enabled:
        gc.enable()


def _holds(generation: int, obj: Any) -> bool:
    return any(o is obj for o in gc.get_objects(generation))


def test_the_catalog_is_in_the_oldest_generation_and_nothing_is_frozen(raw: bytes) -> None:
    gc.enable()
    catalog = Catalog.loads(raw)
    models = catalog._models
    assert gc.get_freeze_count() == 0
    assert _holds(2, models) and not _holds(0, models) and not _holds(1, models)
    assert _holds(2, catalog) and not _holds(0, catalog)  # made after the parse, promoted with it
    some_model = next(iter(models.values()))
    assert _holds(2, some_model["pricing"])  # the lists inside, too
    assert any(r is catalog._content for r in gc.get_referrers(models))  # visible, not frozen
    young = len(gc.get_objects(0))
    assert young < len(models)  # the next young collection does not scan the catalog


def test_the_young_garbage_is_collected_first_not_promoted(raw: bytes) -> None:
    gc.enable()

    class Cycle:
        pass

    gc.collect()
    cycle = Cycle()
    cycle.me = cycle  # type: ignore[attr-defined]
    alive = Cycle()
    del cycle
    Catalog.loads(raw)
    assert not any(type(o) is Cycle and o is not alive for o in gc.get_objects())
    assert _holds(2, alive)


def test_frozen_objects_of_the_application_stay_frozen(raw: bytes) -> None:
    gc.enable()
    gc.collect()
    held = [[], {}]  # objects of the application, alive throughout
    gc.freeze()
    catalog = Catalog.loads(raw)
    # Still frozen: in no generation.  (The freeze count itself may drop: a frozen object that
    # loses its last reference is freed, as the suite's own leftovers can be during the load.)
    assert gc.get_freeze_count() > 0
    assert not any(o is held for o in gc.get_objects())
    assert not _holds(2, catalog._models)  # so the load leaves its objects where they are


def test_a_disabled_gc_stays_disabled(raw: bytes) -> None:
    gc.disable()
    catalog = Catalog.loads(raw)
    assert not gc.isenabled() and gc.get_freeze_count() == 0
    assert _holds(0, catalog._models)  # untouched: the application manages its GC


def test_a_refused_load_leaves_the_gc_on_and_nothing_frozen(raw: bytes) -> None:
    gc.enable()
    with pytest.raises(ArtifactError):
        Catalog.loads(raw.replace(b'"input_per_1m":"', b'"input_per_1m":"x', 1))
    assert gc.isenabled() and gc.get_freeze_count() == 0


def test_from_content_promotes_too(raw: bytes) -> None:
    import json

    gc.enable()
    content = json.loads(raw)["content"]
    catalog = Catalog.from_content(content)
    assert _holds(2, catalog) and not _holds(0, catalog) and gc.get_freeze_count() == 0
