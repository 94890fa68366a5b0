"""The lowest layer: the checkout's paths, the printed precision and the registry of articles."""
