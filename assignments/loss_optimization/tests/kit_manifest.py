"""What the public tests learn from the kit's manifest, assignment.toml in the folder above tests/: the
functions you write and their files, the environment variable that names another folder to test, and
the default language of the messages."""

import ast
import re
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10: pytest itself depends on tomli there, so it is installed
    import tomli as tomllib

KIT_DIR = Path(__file__).resolve().parent.parent
MANIFEST = KIT_DIR / "assignment.toml"


def read(path=MANIFEST):
    """The manifest at `path` as a dict; a missing or broken one stops the tests with one line."""
    try:
        return tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise SystemExit(f"{path}: the kit's manifest cannot be read ({error}); restore it from the kit") from None


def solution_dir_variable(manifest):
    """The environment variable naming a folder to test: the manifest's name in capitals + _SOLUTION_DIR
    (name "my_unit" gives MY_UNIT_SOLUTION_DIR)."""
    return re.sub(r"\W", "_", manifest["name"]).upper() + "_SOLUTION_DIR"


def defined_functions(path):
    """The names of the functions defined at the top level of the .py file `path` (empty when unreadable)."""
    try:
        tree = ast.parse(Path(path).read_text(encoding="utf-8"))
    except (OSError, SyntaxError, UnicodeDecodeError):
        return set()
    return {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}


def function_files(manifest, kit_dir=KIT_DIR):
    """{function name: file name}: the graded functions (`[functions.NAME] file`), then the finished
    functions the kit hands out (`[provided] functions`), each bound from the first of the graded files,
    then the provided files, whose copy in kit_dir defines it."""
    files = {name: spec["file"] for name, spec in manifest.get("functions", {}).items()}
    provided = manifest.get("provided", {})
    searched = list(dict.fromkeys([*files.values(), *provided.get("files", [])]))
    for name in provided.get("functions", []):
        holder = next((file for file in searched if name in defined_functions(Path(kit_dir) / file)), None)
        if holder is None:
            raise SystemExit(f"assignment.toml: the provided function {name} is defined in none of "
                             f"{', '.join(searched)} of {kit_dir}")
        files[name] = holder
    return files


def language(manifest):
    """The `lang` of the manifest's [feedback] table, or "en"."""
    return manifest.get("feedback", {}).get("lang", "en")
