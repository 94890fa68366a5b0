"""Drop repeated <script> entries from every page.

With jupyter-book 1.0.4 on Sphinx 7.4 the inline configuration scripts of sphinx-thebe and
sphinx-togglebutton are registered twice, so each page declares `const THEBE_JS_URL` twice and the
browser reports a SyntaxError. This keeps the first of identical entries (same file or same body,
same attributes) and changes nothing else.
"""


def _key(script):
    attributes = getattr(script, "attributes", {}) or {}
    filename = getattr(script, "filename", script) or ""  # None or "" for inline scripts (body attribute)
    return (str(filename), tuple(sorted((name, str(value)) for name, value in attributes.items())))


def _dedupe(app, pagename, templatename, context, doctree):
    scripts = context.get("script_files")
    if not scripts:
        return
    seen, kept = set(), []
    for script in scripts:
        key = _key(script)
        if key not in seen:
            seen.add(key)
            kept.append(script)
    scripts[:] = kept  # in place: it is the builder's own list, which later handlers may extend


def setup(app):
    # early: html-page-context stops at the first handler that returns a template name
    app.connect("html-page-context", _dedupe, priority=100)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
