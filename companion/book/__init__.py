"""Building the book: figures, tables, pages, notebooks, the environment, release and PDF, new articles."""
