"""Front end: the Solara app and the static atlas map. Imports ``model`` only."""
