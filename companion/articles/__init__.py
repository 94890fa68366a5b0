"""The articles' modules: one per article, its claims and what recomputes them."""
