"""The list's CI: every workflow and the composite action validate against SchemaStore's
published schemas (vendored, offline), and each workflow's jobs run step by step (tests/workflows.py)
in a copy of the repository against the local Crossref, arXiv, Semantic Scholar, DBLP and Zotero
servers, with refkit installed by the action itself into a bare Python."""

from __future__ import annotations

import copy
import json
import tempfile
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from tests.cli import CLOSED, refkit
from tests.scholar_world import SCENARIO, edit_record, world
from tests.servers.zotero import ZoteroServer
from tests.workflows import ROOT, Runner, bare_python, copy_repo, git, load

SCHEMAS = ROOT / "tests/data/github"
WORKFLOWS = sorted((ROOT / ".github/workflows").glob("*.yml"))
OFFLINE = {  # nothing leaves the machine unless a test points a source at a local server
    "REFKIT_CROSSREF_URL": CLOSED,
    "REFKIT_ARXIV_URL": CLOSED,
    "REFKIT_S2_URL": CLOSED,
    "REFKIT_DBLP_URL": CLOSED,
    "REFKIT_ZOTERO_URL": CLOSED,
}


def schema(name: str) -> jsonschema.Draft7Validator:
    return jsonschema.Draft7Validator(json.loads((SCHEMAS / name).read_text(encoding="utf-8")))


def errors(validator: jsonschema.Draft7Validator, data: Any) -> list[str]:
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(data)]


def test_the_workflows_and_triggers_exist() -> None:
    names = {p.name for p in WORKFLOWS}
    assert names == {"check.yml", "enrich.yml", "publish.yml"}
    on = {p.name: load(p)["on"] for p in WORKFLOWS}
    assert set(on["check.yml"]) == {"pull_request", "workflow_dispatch"}
    assert set(on["enrich.yml"]) == {"schedule", "workflow_dispatch"}
    assert on["publish.yml"]["push"] == {"branches": ["main"]}


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_workflow_matches_the_published_schema(path: Path) -> None:
    assert errors(schema("github-workflow.json"), load(path)) == []


def test_action_matches_the_published_schema() -> None:
    action = load(ROOT / "action.yml")
    assert errors(schema("github-action.json"), action) == []
    assert set(action["inputs"]) == {"meta", "python-version", "command"}


def test_the_schemas_reject_what_github_rejects() -> None:
    """The validation is live: a step with both run and uses, a job without runs-on, and a
    composite step without a shell are each an error."""
    workflow = load(ROOT / ".github/workflows/check.yml")
    bad = copy.deepcopy(workflow)
    bad["jobs"]["check"]["steps"][1]["run"] = "echo both"
    assert errors(schema("github-workflow.json"), bad)
    bad = copy.deepcopy(workflow)
    del bad["jobs"]["check"]["runs-on"]
    assert errors(schema("github-workflow.json"), bad)
    action = load(ROOT / "action.yml")
    del action["runs"]["steps"][1]["shell"]
    assert errors(schema("github-action.json"), action)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return copy_repo(tmp_path / "work")


def runner(repo: Path, secrets: dict[str, str] | None = None, **env: str) -> Runner:
    bin_dir = bare_python(Path(tempfile.mkdtemp(prefix="python-", dir=repo.parent)))
    assert not (bin_dir / "refkit").exists()
    return Runner(
        repo,
        bin_dir,
        secrets or {},
        {**OFFLINE, "REFKIT_CACHE_DIR": str(repo.parent / "cache"), **env},
    )


def test_pull_request_check_passes_on_the_list(repo: Path) -> None:
    job = runner(repo).run(load(repo / ".github/workflows/check.yml"), "check")
    assert job.ok, job.output()
    assert [s.name for s in job.steps] == [
        "actions/checkout@v4",
        "actions/setup-python@v5",
        "Install refkit (from this action's own copy)",
        "Run refkit in the list's directory",
        "exports/ and refkit.lock are up to date",
    ]
    assert "refkit" in job.step("Install refkit (from this action's own copy)").stdout
    assert "::error" not in job.output()
    assert "refkit: check: 0 error(s)" in job.step("Run refkit in the list's directory").stderr
    assert "exports/ is up to date" in job.steps[-1].stderr


def test_pull_request_check_annotates_and_fails_a_bad_record(repo: Path) -> None:
    gptq = (repo / "meta/2023/gptq.prototxt").read_text()
    bad = gptq.replace("https://arxiv.org/pdf/2210.17323.pdf", "javascript:alert(1)")
    (repo / "meta/2024/evil.prototxt").write_text(bad)
    (repo / "meta/2024/again.prototxt").write_text(gptq.replace("GPTQ:", "Again:"))
    job = runner(repo).run(load(repo / ".github/workflows/check.yml"), "check")
    assert not job.ok
    check = job.step("Run refkit in the list's directory")
    assert check.returncode == 1
    lines = check.stdout.splitlines()
    assert any(
        line.startswith("::error file=meta/2024/evil.prototxt,line=4,title=refkit check%3A url::")
        for line in lines
    ), lines
    assert any(
        line.startswith(
            "::error file=meta/2024/again.prototxt,line=4,title=refkit check%3A duplicate::"
        )
        and "meta/2023/gptq.prototxt:4" in line
        for line in lines
    ), lines
    stale = job.steps[-1]  # runs after the failure (if: !cancelled()) and fails too
    assert not stale.skipped and stale.returncode == 1 and "is stale" in stale.stderr


KEEP = (
    "2023/gptq",
    "2023/sparsegpt",
    "2022/flashattention",
    "2022/lora",
    "2023/qlora",
    "2023/spqr",
)


def test_weekly_enrichment_opens_a_pull_request(repo: Path) -> None:
    """The scheduled job against the four local sources on a small list: the lock is filled,
    the preprint the scenario left as arXiv 2022 (GPTQ) becomes ICLR 2023, exports/ is
    regenerated and fresh, and the pull request's description carries the outdated report."""
    meta = repo / "meta"
    for path in meta.rglob("*.prototxt"):
        rid = path.relative_to(meta).with_suffix("").as_posix()
        if rid not in KEEP:
            path.unlink()
        elif rid in SCENARIO["edits"]:
            path.write_text(edit_record(path.read_text("utf-8"), SCENARIO["edits"][rid]), "utf-8")
    kept = sorted(p.relative_to(meta).with_suffix("").as_posix() for p in meta.rglob("*.prototxt"))
    assert len(kept) == len(KEEP), kept
    offline = refkit(repo, "export", "--all", REFKIT_CACHE_DIR=str(repo.parent / "cache0"))
    assert offline.returncode == 0, offline.stderr  # the small list's own exports and lock
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "a small list")
    with world() as w:
        env = {
            k: v
            for k, v in w.env(repo.parent / "cache").items()
            if k not in ("REFKIT_MAILTO", "REFKIT_S2_API_KEY")
        }
        secrets = {"REFKIT_MAILTO": "lab@example.org", "REFKIT_S2_API_KEY": "test-key"}
        job = runner(repo, secrets, **env).run(
            load(repo / ".github/workflows/enrich.yml"), "enrich"
        )
        assert job.ok, job.output()
        assert w.crossref.violations == 0 and w.arxiv.violations == 0
        assert w.arxiv.requests and w.s2.requests and w.dblp.requests  # the network was used
    assert "::notice" not in job.output()  # both secrets set
    assert (
        "2023/gptq: arXiv 2022 -> ICLR 2023"
        in job.step("Apply published versions to the records").stdout
    )
    gptq = (meta / "2023/gptq.prototxt").read_text()
    assert 'where: "ICLR"' in gptq and "year: 2023" in gptq
    [pr] = job.pull_requests
    body = Path(pr["body-path"]).read_text()
    assert "2023/gptq: arXiv 2022 -> ICLR 2023" in body
    assert " M refkit.lock" in body and " M meta/2023/gptq.prototxt" in body
    assert pr["token"] == "ghs_test_token" and pr["branch"] == "refkit/enrich"
    changed = git(repo, "status", "--short").splitlines()
    assert " M refkit.lock" in changed and " M exports/papers.bib" in changed
    assert "?? exports/by-venue/emnlp.bib" in changed  # QLoRA, published at EMNLP 2023
    # every preprint of the small list is published now, so no arXiv venue file is left
    assert [line for line in changed if line.startswith(" D")] == [" D exports/by-venue/arxiv.bib"]
    # what the pull request carries is consistent: the exports match the lock and the records
    fresh = runner(repo).run(load(repo / ".github/workflows/check.yml"), "check")
    assert fresh.ok, fresh.output()


ZKEY = "Z" * 24
GROUP = 4242


def test_push_to_main_syncs_zotero_and_publishes_the_page(repo: Path) -> None:
    publish = load(repo / ".github/workflows/publish.yml")
    with ZoteroServer(retry_after=0) as zs:
        zs.add_group(GROUP)
        zs.add_key(ZKEY, user_id=7, libraries={f"groups/{GROUP}": "write"})
        secrets = {"ZOTERO_API_KEY": ZKEY, "ZOTERO_GROUP": str(GROUP)}
        run = runner(repo, secrets, REFKIT_ZOTERO_URL=zs.url)
        job = run.run(publish, "zotero")
        assert job.ok, job.output()
        items = zs.library(f"groups/{GROUP}").items.values()
        records = len(list((repo / "meta").rglob("*.prototxt")))
        assert len([i for i in items if i["itemType"] not in ("attachment", "note")]) == records
        assert f"{records} created" in job.output()
        assert (run.temp / "refkit-zotero").is_dir()  # the state the cache step keeps
        writes = zs.writes
        again = run.run(publish, "zotero")
        assert again.ok and zs.writes == writes and f"{records} unchanged" in again.output()
    assert ZKEY not in job.output() + again.output()
    pages = runner(repo).run(publish, "pages")
    assert pages.ok, pages.output()
    assert pages.uploaded == [repo / "exports"]


def test_push_to_main_without_zotero_secrets_skips_with_a_notice(repo: Path) -> None:
    job = runner(repo).run(load(repo / ".github/workflows/publish.yml"), "zotero")
    assert job.ok, job.output()
    step = job.step("Sync into the Zotero group")
    assert step.stdout.startswith("::notice title=Zotero sync skipped::Set the repository secrets")


def test_a_failed_enrichment_fails_the_job_and_opens_no_pull_request(repo: Path) -> None:
    """`refkit export ... | tee` must fail its step (bash -eo pipefail): a record that does not
    parse stops the weekly job before any pull request."""
    (repo / "meta/2024/broken.prototxt").write_text('paper {\n  title: "Open\n}\n')
    job = runner(repo).run(load(repo / ".github/workflows/enrich.yml"), "enrich")
    assert not job.ok and job.pull_requests == []
    failed = job.step("Enrich and pin the results in refkit.lock")
    assert failed.returncode == 2 and "broken.prototxt:2:10: not valid protobuf" in failed.stdout
    assert job.step("Open or update the pull request").skipped
    assert "::notice title=REFKIT_MAILTO not set::" in job.output()  # no secrets in this run


def test_the_action_serves_a_list_in_a_sub_folder(repo: Path) -> None:
    """Another repository's layout: the list under lists/ml/ (meta/, refkit.lock, exports/).
    The action runs refkit there; annotations still name files from the repository root."""
    (repo / "lists/ml").mkdir(parents=True)
    for name in ("meta", "refkit.lock", "exports"):
        (repo / name).rename(repo / "lists/ml" / name)
    steps: list[dict[str, Any]] = [{"uses": "actions/checkout@v4"}]
    for command in ("export --all --check", "check --format github"):
        steps.append({"uses": "./", "with": {"meta": "lists/ml/meta", "command": command}})
    workflow = {"on": {"push": {}}, "jobs": {"list": {"runs-on": "ubuntu-latest", "steps": steps}}}
    assert errors(schema("github-workflow.json"), workflow) == []
    job = runner(repo).run(workflow, "list")
    assert job.ok, job.output()
    assert (
        "lists/ml/exports is up to date" in job.output() or "exports/ is up to date" in job.output()
    )
    assert "::warning file=lists/ml/meta/1993/obs.prototxt,line=1," in job.output()
