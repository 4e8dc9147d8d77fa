"""Load a published modelctl artifact and answer questions about it.

Standard library only (a test keeps it so): an application imports this
module, loads the artifact once at start-up and asks it which model a name
means, what it can do, and what a request cost::

    from modelctl.runtime import Catalog, Usage

    catalog = Catalog.load("dist/catalog.json")
    model = catalog.model("gpt-4o")                   # bare id, alias or provider/id
    cost = catalog.cost("openai/gpt-4o", Usage(input_tokens=1200, output_tokens=300))
    cost.total                                         # Decimal('0.00600')

Money is ``Decimal`` throughout and never rounded: a sum of a million costs
is exact.  Errors are subclasses of ``CatalogError``.

May import: the standard library only, and nothing else of modelctl.
"""

from __future__ import annotations

from modelctl.runtime._artifact import SUPPORTED_MAJOR
from modelctl.runtime._catalog import Catalog
from modelctl.runtime._errors import (
    AmbiguousModelError,
    ArtifactError,
    CatalogError,
    FetchError,
    InvalidUsageError,
    NoDefaultError,
    NoPriceError,
    NotAllowedError,
    RollbackError,
    ShrinkError,
    SignatureError,
    UnknownModelError,
    UnknownPlanError,
    UnsupportedUsageError,
)
from modelctl.runtime._holder import CatalogHolder
from modelctl.runtime._usage import USAGE_FIELDS, Usage
from modelctl.runtime._values import Cost, ModelInfo, PriceSet

__all__ = [
    "AmbiguousModelError",
    "ArtifactError",
    "Catalog",
    "CatalogError",
    "CatalogHolder",
    "Cost",
    "FetchError",
    "InvalidUsageError",
    "ModelInfo",
    "NoDefaultError",
    "NoPriceError",
    "NotAllowedError",
    "PriceSet",
    "RollbackError",
    "SUPPORTED_MAJOR",
    "ShrinkError",
    "SignatureError",
    "USAGE_FIELDS",
    "UnknownModelError",
    "UnknownPlanError",
    "UnsupportedUsageError",
    "Usage",
]
