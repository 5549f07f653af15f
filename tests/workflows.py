"""A small local stand-in for GitHub's runner, for tests/test_workflows.py.

It runs one job of a workflow the way the runner does: each `run:` step in order with bash as
GitHub calls it (`-eo pipefail` for `shell: bash`, else `-e`), the workflow's, job's and
step's `env`, `${{ ... }}` expressions filled from a context of test values (an expression it does not know fails the
test), `GITHUB_ENV`/`GITHUB_PATH`/`GITHUB_OUTPUT` files, `if: ${{ !cancelled() }}` (runs after
a failure) and the composite action `./` (action.yml, its steps run with its inputs). Actions
from the marketplace are replaced by the local state they would leave: checkout is the copy of
the repository the test made, setup-python is the Python on PATH (a bare virtual environment),
cache/configure-pages do nothing, upload-pages-artifact checks its folder exists, deploy-pages
sets `page_url`, and create-pull-request is recorded (the test looks at the work tree it would
commit).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import sysconfig
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent


class _Loader(yaml.SafeLoader):
    """YAML as GitHub reads it: only true/false are booleans (`on:` is a key, not True)."""


_Loader.yaml_implicit_resolvers = {
    key: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.copy().items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def load(path: Path) -> dict[str, Any]:
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)  # noqa: S506 (safe loader)
    assert isinstance(data, dict), path
    return data


_EXPR = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


def bare_python(dest: Path) -> Path:
    """A virtual environment without refkit, as setup-python leaves a runner: its `bin/`.
    pip and refkit's dependencies come from this test environment (a .pth file), so the
    action's `pip install` works offline and installs refkit itself into it."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(dest)], check=True)
    python = dest / "bin" / "python"
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    (Path(purelib) / "_test_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return dest / "bin"


def copy_repo(dest: Path) -> Path:
    """The repository's committed files plus the work tree's changes (what `git ls-files`
    lists), as a fresh git clone with one commit: what actions/checkout leaves."""
    files = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.split(b"\0")
    for name in filter(None, files):
        src = ROOT / os.fsdecode(name)
        if src.is_file():
            target = dest / os.fsdecode(name)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(src.read_bytes())
    git(dest, "init", "-q", "-b", "main")
    git(dest, "add", "-A")
    git(dest, "commit", "-q", "-m", "checkout")
    return dest


def git(cwd: Path, *args: str) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.org",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.org",
    }
    return subprocess.run(
        ["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=True
    ).stdout


@dataclass
class Step:
    name: str
    returncode: int
    stdout: str = ""
    stderr: str = ""
    skipped: bool = False


@dataclass
class Job:
    steps: list[Step] = field(default_factory=list)
    pull_requests: list[dict[str, str]] = field(default_factory=list)  # create-pull-request's with
    uploaded: list[Path] = field(default_factory=list)  # upload-pages-artifact's folder

    @property
    def ok(self) -> bool:
        return all(s.returncode == 0 for s in self.steps if not s.skipped)

    def step(self, name: str) -> Step:
        return next(s for s in self.steps if s.name == name)

    def output(self) -> str:
        return "".join(s.stdout + s.stderr for s in self.steps)


class Runner:
    """Runs jobs in `workspace` with `bin_dir` (a bare Python) first on PATH."""

    def __init__(
        self, workspace: Path, bin_dir: Path, secrets: dict[str, str], env: dict[str, str]
    ) -> None:
        self.workspace = workspace
        self.temp = workspace.parent / "runner-temp"
        self.temp.mkdir(exist_ok=True)
        self.secrets = secrets
        self.shell = ""  # the job's default shell (defaults.run.shell)
        files = {n: self.temp / f"{n.lower()}.txt" for n in ("GITHUB_ENV", "GITHUB_PATH")}
        self.base = {
            "PATH": f"{bin_dir}:/usr/local/bin:/usr/bin:/bin",
            "HOME": str(workspace.parent / "home"),
            "LANG": "C.UTF-8",
            "CI": "true",
            "GITHUB_ACTIONS": "true",
            "GITHUB_WORKSPACE": str(workspace),
            "RUNNER_TEMP": str(self.temp),
            # pip as the stand-in's setup-python leaves it: offline, refkit's dependencies and
            # build backend already there (bare_python), so the action's install needs no index
            "PIP_NO_INDEX": "1",
            "PIP_NO_BUILD_ISOLATION": "0",
            **{k: str(v) for k, v in files.items()},
            **env,  # the network: local servers' URLs, a cache directory
        }
        for path in files.values():
            path.touch()

    def run(self, workflow: dict[str, Any], job_id: str) -> Job:
        job_def = workflow["jobs"][job_id]
        defaults = {
            **workflow.get("defaults", {}).get("run", {}),
            **job_def.get("defaults", {}).get("run", {}),
        }
        self.shell = defaults.get("shell", "")
        env = {
            **self._fill_all(workflow.get("env", {}), {}),
            **self._fill_all(job_def.get("env", {}), {}),
        }
        job = Job()
        self.outputs: dict[str, dict[str, str]] = {}
        for step in job_def["steps"]:
            self._step(step, env, job, {}, self.workspace)
        return job

    def _step(
        self,
        step: dict[str, Any],
        env: dict[str, str],
        job: Job,
        inputs: dict[str, str],
        action_path: Path,
    ) -> None:
        name = step.get("name") or step.get("uses") or step["run"].split("\n")[0]
        condition = str(step.get("if", "")).strip()
        if not job.ok and condition not in ("${{ !cancelled() }}", "!cancelled()", "always()"):
            job.steps.append(Step(name, 0, skipped=True))
            return
        assert condition in ("", "${{ !cancelled() }}", "!cancelled()", "always()"), condition
        step_env = {**env, **self._fill_all(step.get("env", {}), inputs, action_path)}
        with_ = self._fill_all(step.get("with", {}), inputs, action_path)
        if "run" in step:
            self._shell(name, self._fill(step["run"], inputs, action_path), step_env, job, step)
        else:
            self._uses(name, step["uses"], with_, step_env, job, step)

    def _uses(
        self,
        name: str,
        uses: str,
        with_: dict[str, str],
        env: dict[str, str],
        job: Job,
        step: dict[str, Any],
    ) -> None:
        action = uses.split("@")[0]
        if uses == "./":
            self._composite(with_, env, job)
        elif action in ("actions/checkout", "actions/cache", "actions/configure-pages"):
            job.steps.append(Step(name, 0))
        elif action == "actions/setup-python":
            assert re.fullmatch(r"3\.1[1-9]", with_["python-version"]), with_
            job.steps.append(Step(name, 0))
        elif action == "actions/upload-pages-artifact":
            folder = self.workspace / with_["path"]
            job.uploaded.append(folder)
            job.steps.append(Step(name, 0 if (folder / "index.html").is_file() else 1))
        elif action == "actions/deploy-pages":
            self.outputs[step.get("id", "")] = {"page_url": "https://example.github.io/list/"}
            job.steps.append(Step(name, 0))
        elif action == "peter-evans/create-pull-request":
            assert Path(with_["body-path"]).is_file(), with_
            job.pull_requests.append(with_)
            job.steps.append(Step(name, 0))
        else:
            raise AssertionError(f"no local stand-in for {uses}")

    def _composite(self, with_: dict[str, str], env: dict[str, str], job: Job) -> None:
        action = load(ROOT / "action.yml")
        assert action["runs"]["using"] == "composite"
        inputs = {k: str(v.get("default", "")) for k, v in action["inputs"].items()}
        unknown = set(with_) - set(inputs)
        assert not unknown, f"inputs action.yml does not declare: {unknown}"
        inputs.update(with_)
        env = {**env, "GITHUB_ACTION_PATH": str(self.workspace)}
        for step in action["runs"]["steps"]:
            if "run" in step:
                assert step.get("shell") == "bash", step  # composite run steps must name a shell
            self._step(step, env, job, inputs, self.workspace)

    def _shell(
        self, name: str, script: str, env: dict[str, str], job: Job, step: dict[str, Any]
    ) -> None:
        output = self.temp / "github_output.txt"
        output.write_text("")
        full = {**self.base, **env, "GITHUB_OUTPUT": str(output)}
        full.update(self._read_env())
        full["PATH"] = ":".join([*self._read_path(), full["PATH"]])
        cwd = self.workspace / step.get("working-directory", ".")
        # GitHub: `shell: bash` runs `bash --noprofile --norc -eo pipefail`, no shell `bash -e`
        shell = step.get("shell") or self.shell
        flags = ["--noprofile", "--norc", "-eo", "pipefail"] if shell == "bash" else ["-e"]
        proc = subprocess.run(
            ["bash", *flags, "-c", script],
            cwd=cwd,
            env=full,
            capture_output=True,
            text=True,
            timeout=600,
        )
        if step.get("id"):
            self.outputs[step["id"]] = dict(
                line.split("=", 1) for line in output.read_text().splitlines() if "=" in line
            )
        job.steps.append(Step(name, proc.returncode, proc.stdout, proc.stderr))

    def _read_env(self) -> dict[str, str]:
        lines = (self.temp / "github_env.txt").read_text().splitlines()
        return dict(line.split("=", 1) for line in lines if "=" in line)

    def _read_path(self) -> list[str]:
        return list(reversed((self.temp / "github_path.txt").read_text().split()))

    def _fill_all(
        self, values: dict[str, Any], inputs: dict[str, str], action_path: Path | None = None
    ) -> dict[str, str]:
        return {k: self._fill(str(v), inputs, action_path) for k, v in values.items()}

    def _fill(self, text: str, inputs: dict[str, str], action_path: Path | None = None) -> str:
        def value(expr: str) -> str:
            options = [part.strip() for part in expr.split("||")]
            for option in options:
                got = self._lookup(option, inputs, action_path)
                if got:
                    return got
            return ""

        return _EXPR.sub(lambda m: value(m.group(1)), text)

    def _lookup(self, name: str, inputs: dict[str, str], action_path: Path | None) -> str:
        if name.startswith("secrets."):
            return self.secrets.get(name.removeprefix("secrets."), "")
        if name.startswith("inputs."):
            return inputs[name.removeprefix("inputs.")]
        if name.startswith("steps."):
            _, sid, _, key = name.split(".")
            return self.outputs.get(sid, {}).get(key, "")
        known = {
            "github.token": "ghs_test_token",
            "github.run_id": "4242",
            "github.workspace": str(self.workspace),
            "github.action_path": str(action_path or self.workspace),
            "runner.temp": str(self.temp),
        }
        if name not in known:
            raise AssertionError(f"the test runner does not know the expression {name!r}")
        return known[name]
