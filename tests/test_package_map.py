"""Package boundaries, read from the source with `ast` (nothing is imported).

`iopnav.safety` is the crisis path. Code elsewhere may depend on it only for
safety: screening a message, the hand-off resources, crisis flags, the
post-hand-off reminder and staff alerts. A general helper that ends up in
`safety` (as `utcnow` once did) makes unrelated packages depend on the crisis
screen, and makes a change to safety code look like a change to everything.
This test names the safety API explicitly; anything else imported from
`iopnav.safety` by a module outside it fails, with the place to fix.
"""

import ast
from pathlib import Path
from typing import Dict, Iterator, Optional, Set, Tuple

ROOT = Path(__file__).resolve().parent.parent
SCANNED = ("iopnav", "actions", "scripts")
SAFETY = "iopnav.safety"

# What other packages may use, per safety module, and why.
SAFETY_API: Dict[str, Set[str]] = {
    # Screening text for crisis (the channels screen a long message's cut-off
    # windows; the evaluation scripts score the screen).
    "iopnav.safety.screen": {"assess", "Assessment", "CRISIS", "AMBIGUOUS", "NONE"},
    # The Rasa NLU component itself (pipeline tools, demo conversations), and
    # the kind of danger the channels' own fallback screen hands off for.
    "iopnav.safety.component": {"SafetyScreen", "decide", "danger_kind"},
    # Crisis lines as clinic configuration, named in SMS HELP/STOP texts, and
    # the hand-off text the channels send when the dialogue cannot.
    # handoff_kinds: which kind of danger a hand-off text the dialogue sent names.
    "iopnav.safety.resources": {
        "load",
        "SMS_LIMIT",
        "handoff_for",
        "handoff_variations",
        "handoff_kinds",
        # How to reach the line in each language (the Spanish SMS HELP answer).
        "crisis_ways",
    },
    # Spanish SMS in GSM-7 letters, as the Spanish hand-offs are sent: the
    # channels' own Spanish SMS texts use the same spelling.
    "iopnav.safety.spanish": {"sms_plain"},
    # Crisis flags: recorded by the tracker store, listed and followed up by staff.
    "iopnav.safety.flags": {
        "CrisisFlag",
        "CrisisMoment",
        "FORGOTTEN",
        "record_flag",
        "is_flagged",
        "flagged_keys",
        "flagged_keys_of",
        "anonymise",
        "acknowledge",
        "open_flags",
    },
    # The one way to raise a flag (tracker store, channels), and the worker
    # that runs the tracker store's sweeper and names conversations in alerts.
    "iopnav.safety.outbox": {"enqueue_flag", "every", "set_console_key"},
    # The hand-off and screening-question actions, and the reminder after them.
    "iopnav.safety.session": {
        "crisis_reminder",
        "HANDOFF_ACTION",
        "RISK_CHECK_ACTION",
        "RISK_CHECK_NO_ACTION",
    },
    # The learned risk model: its component (iopnav/evaluation.py reads the
    # deployed one from a trained model) and its labelled data
    # (scripts/import_risk_data.py).
    "iopnav.safety.risk_component": {"RiskModelComponent", "MODEL_FILE", "RISK_KEY"},
    "iopnav.safety.risk_model": {
        "Example",
        "KIND_OF_CATEGORY",
        "TRAIN_FILE",
        "HELDOUT_FILE",
        "split_heldout",
        "load_examples",
        # scripts/replay_safety.py --oof: the decision on scores of the
        # training part from models that did not fit those messages.
        "out_of_fold_scores",
        "default_embedder",
    },
}
SAFETY_MODULES = {name.rsplit(".", 1)[1] for name in SAFETY_API}


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _sources() -> Iterator[Path]:
    """Every module outside the safety package."""
    for top in SCANNED:
        for path in sorted((ROOT / top).rglob("*.py")):
            name = _module_name(path)
            if name != SAFETY and not name.startswith(SAFETY + "."):
                yield path


def _allowed(module: str, name: Optional[str]) -> bool:
    """Whether `name` used from `module` is part of the safety API (None: the
    module object itself)."""
    if module == SAFETY:
        return name is None or name in SAFETY_MODULES
    return module in SAFETY_API and (name is None or name in SAFETY_API[module])


def _dotted(node: ast.AST) -> Optional[str]:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = _dotted(node.value)
        return base and f"{base}.{node.attr}"
    return None


def safety_uses(tree: ast.AST) -> Iterator[Tuple[int, str, Optional[str]]]:
    """(line, safety module, name) for every import from `iopnav.safety` and
    every attribute read through a name bound to a safety module."""
    bound: Dict[str, str] = {}  # local name -> safety module it refers to
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            module = node.module
            for alias in node.names:
                local = alias.asname or alias.name
                if module == SAFETY or (module == "iopnav" and alias.name == "safety"):
                    target = f"{SAFETY}.{alias.name}" if module == SAFETY else SAFETY
                    if module == SAFETY and alias.name not in SAFETY_MODULES:
                        yield node.lineno, SAFETY, alias.name
                        continue
                    bound[local] = target
                    yield node.lineno, target, None
                elif module.startswith(SAFETY + "."):
                    yield node.lineno, module, alias.name
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == SAFETY or alias.name.startswith(SAFETY + "."):
                    if alias.asname:
                        bound[alias.asname] = alias.name
                    yield node.lineno, alias.name, None
    for node in ast.walk(tree):
        dotted = _dotted(node) if isinstance(node, ast.Attribute) else None
        head, _, rest = (dotted or "").partition(".")
        if head in bound:
            full = f"{bound[head]}.{rest}"
        elif dotted and dotted.startswith(SAFETY + "."):  # `import iopnav.safety.x` style
            full = dotted
        else:
            continue
        # Each link of a chain is its own node: report only the link right
        # after the safety module (`flags.record_flag`, not `.record_flag.x`).
        module, _, name = full.rpartition(".")
        if module in SAFETY_API or (module == SAFETY and name not in SAFETY_MODULES):
            yield node.lineno, module, name


def violations() -> Set[str]:
    found = set()
    for path in _sources():
        tree = ast.parse(path.read_text(), str(path))
        for line, module, used in safety_uses(tree):
            if not _allowed(module, used):
                where = path.relative_to(ROOT)
                found.add(f"{where}:{line} uses {module}.{used} (not part of the safety API)")
    return found


def test_only_safety_code_is_imported_from_the_safety_package():
    assert violations() == set()


def test_the_safety_api_names_exist():
    """A renamed safety function must be renamed here too, not silently allowed."""
    for module, names in SAFETY_API.items():
        path = ROOT / (module.replace(".", "/") + ".py")
        if not path.exists():  # a package: its names are those of its __init__
            path = path.with_suffix("") / "__init__.py"
        tree = ast.parse(path.read_text())
        defined = {n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef))}
        defined |= {
            alias.asname or alias.name
            for n in tree.body
            if isinstance(n, ast.ImportFrom)
            for alias in n.names
        }
        for n in tree.body:
            targets = n.targets if isinstance(n, ast.Assign) else []
            targets = [n.target] if isinstance(n, ast.AnnAssign) else targets
            for t in targets:
                defined |= {e.id for e in ast.walk(t) if isinstance(e, ast.Name)}
        assert names <= defined, f"{module} lacks {names - defined}"


def test_the_check_catches_a_general_helper_taken_from_safety():
    source = (
        "from iopnav.safety.flags import CrisisFlag, utcnow\n"
        "from iopnav.safety import flags\n"
        "import iopnav.safety.session as s\n"
        "flags.record_flag('x', 'k'); flags.utcnow(); s._current_session([])\n"
    )
    bad = {
        (module, name)
        for _, module, name in safety_uses(ast.parse(source))
        if not _allowed(module, name)
    }
    assert bad == {
        ("iopnav.safety.flags", "utcnow"),
        ("iopnav.safety.session", "_current_session"),
    }
