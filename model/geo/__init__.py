"""Geography without Mesa: the lon/lat grid, its numpy layers and geographic queries."""

from model.geo.atlas import Atlas, AtlasInputs, build_atlas

__all__ = ["Atlas", "AtlasInputs", "build_atlas"]
