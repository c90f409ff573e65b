"""The README and docs/ stay true to any clone: no path of one development machine, every env variable documented."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TEXTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md")), *sorted((ROOT / "bench").glob("*.py"))]


def test_docs_name_no_path_of_a_development_machine():
    machine_path = re.compile(r"/(?:work|home|root|Users)/[\w.-]+/")
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in TEXTS
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if machine_path.search(line)
    ]
    assert not found, "absolute paths of a development machine:\n" + "\n".join(found)


APPS = (
    "config",
    "core",
    "regions",
    "accounts",
    "targets",
    "villages",
    "supervision",
    "reports",
    "instructions",
    "demo",
)


def test_every_environment_variable_read_by_the_settings_is_documented():
    settings_text = "".join(
        path.read_text(encoding="utf-8") for folder in APPS for path in (ROOT / folder).rglob("*.py")
    )
    read = set(re.findall(r"""environ(?:\.get|\.setdefault)?\(\s*["']([A-Z][A-Z0-9_]+)["']""", settings_text))
    read |= set(re.findall(r"""\bgetenv\(\s*["']([A-Z][A-Z0-9_]+)["']""", settings_text))
    read |= set(re.findall(r"""environ\[["']([A-Z][A-Z0-9_]+)["']\]""", settings_text))
    read |= set(re.findall(r"""\benv_\w+\(\s*["']([A-Z][A-Z0-9_]+)["']""", settings_text))
    documented = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    missing = sorted(name for name in read if name not in documented)
    assert read, "the settings read no environment variable: the pattern no longer matches config/"
    assert not missing, f"environment variables read by the code but not in docs/configuration.md: {missing}"


def test_every_variable_in_the_configuration_table_is_read_somewhere():
    table = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8").split("\n## ")[0]
    documented = set(re.findall(r"^\| `([A-Z][A-Z0-9_]+)`(?: / `([A-Z][A-Z0-9_]+)`)?", table, re.M))
    names = {name for pair in documented for name in pair if name}
    sources = "".join(
        path.read_text(encoding="utf-8")
        for folder in APPS
        if (ROOT / folder).is_dir()
        for path in (ROOT / folder).rglob("*.py")
    )
    stale = sorted(name for name in names if f'"{name}"' not in sources)
    assert len(names) > 20
    assert not stale, f"docs/configuration.md lists variables nothing reads: {stale}"
