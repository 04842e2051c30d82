"""`rasa data validate` with no warnings allowed, plus an exact check of where each response is used.

Rasa warns about every response not named in a story or rule, including those that forms and
custom actions send. Those warnings are replaced by a precise check: every response must be used
by the training data, asked by the form, or sent by an action, and every response an action names
must exist. Any other warning from the validator fails the run.
"""
import re
import subprocess
import sys
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
UNUSED = re.compile(r"The utterance '(utter_\w+)' is not used in any story or rule")
DATA_WARNING = re.compile(r"(UserWarning|FutureWarning): (?P<message>.*)")
# A literal response name, or the fixed prefix of one built with an f-string.
IN_CODE = re.compile(r"""["'](utter_[a-z_]+)(\{)?""")


def responses_used_in_code() -> tuple:
    names, prefixes = set(), set()
    for path in [*(REPO / "actions").glob("*.py"), *(REPO / "components").rglob("*.py")]:
        for name, brace in IN_CODE.findall(path.read_text()):
            (prefixes if brace else names).add(name)
    return names, prefixes


def main() -> int:
    run = subprocess.run(
        [str(Path(sys.executable).parent / "rasa"), "data", "validate", "--fail-on-warnings",
         "--data", "data", "--domain", "domain.yml", "--config", "config.yml"],
        cwd=REPO, capture_output=True, text=True,
    )
    output = run.stdout + run.stderr
    problems = []
    if run.returncode != 0:
        problems.append(f"rasa data validate exited with {run.returncode}")
    for line in output.splitlines():
        found = DATA_WARNING.search(line)
        if found and "site-packages/rasa/shared/utils/io.py" in line and not UNUSED.search(line):
            problems.append(found.group("message"))

    domain = yaml.safe_load((REPO / "domain.yml").read_text())
    responses = set(domain["responses"])
    form_slots = {s for form in domain.get("forms", {}).values() for s in form.get("required_slots", [])}
    asked = {f"utter_ask_{slot}" for slot in form_slots}
    in_code, prefixes = responses_used_in_code()
    for name in sorted(UNUSED.findall(output)):
        if name in asked or name in in_code or any(name.startswith(p) for p in prefixes):
            continue
        problems.append(f"response {name} is used nowhere: not in data, not asked by a form, not sent by an action")
    for name in sorted(in_code - responses):
        problems.append(f"an action sends {name}, which domain.yml does not define")
    for prefix in sorted(prefixes):
        if not any(r.startswith(prefix) for r in responses):
            problems.append(f"an action sends responses named {prefix}..., and domain.yml defines none")

    for problem in problems:
        print(f"validate: {problem}")
    print(f"validate: {len(responses)} responses, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
