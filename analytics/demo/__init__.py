"""The deterministic demo shop: a realistic e-commerce data set generated from a seed.

``build_demo(ctx, events=..., seed=..., replace=...)`` fills the canonical tables
(events, products, users, reviews, searches, imports). docs/DEMO_DATA.md describes the
parameters (analytics/demo/params.py), the hidden customer types and the measured figures.
"""

from analytics.demo.build import build_demo, import_name
from analytics.demo.params import DemoParams

__all__ = ["DemoParams", "build_demo", "import_name"]
