"""Other catalogs: importers (LiteLLM, genai-prices, models.dev, OpenRouter),
exporters (LiteLLM, OpenRouter, the dated price table) and the drift report
of ``check-prices``.

May import: ``catalog``, ``rules``, ``artifact``, ``runtime``; never ``cli`` or ``site``.
"""
