"""nbval really guards the stored outputs: a changed stored number makes it fail.

Runs nbval on a temporary copy of a chapter notebook (the committed notebook is never touched)."""

import json

from conftest import ROOT, nbval

NOTEBOOK = ROOT / "chapters" / "participation-uk-kz" / "01_table1a_kz_regions.ipynb"


def run_nbval(path):
    # -x: stop at the first failing cell; the cells after the changed one need not run
    return nbval(path, rootdir=path.parent)


def test_nbval_fails_when_a_stored_output_changes(tmp_path):
    nb = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    changed = False
    for cell in nb["cells"]:
        for output in cell.get("outputs", []):
            text = output.get("data", {}).get("text/plain")
            if not changed and text and "reproduced    54" in "".join(text):
                output["data"]["text/plain"] = "".join(text).replace("reproduced    54", "reproduced    53")
                changed = True
    assert changed, "the verdict count output was not found in the stored notebook"
    copy = tmp_path / NOTEBOOK.name
    copy.write_text(json.dumps(nb), encoding="utf-8")
    result = run_nbval(copy)
    assert result.returncode != 0, result.stdout[-3000:]
    assert "reproduced    53" in result.stdout or "mismatch" in result.stdout.lower()
