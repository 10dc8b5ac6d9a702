"""Bring a pack written for an older kit up to date, keeping what it showed: `workshops migrate`.

Until stations took their words from the pack (#17), every stations step asked the refusal
questions of Jämäkkyyttä and two ratings. A pack of that time without `prompts:` now gets the
kit's neutral wording and one rating; the migration writes the old words into the pack, in
the pack's languages, just above the step's `stations:` line. Comments and layout stay.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .yamlsafe import YamlError, load_yaml

#: what a stations step showed before `prompts:` existed, in each language the kit spoke
LEGACY_PROMPTS: dict[str, dict[str, str]] = {
    "ways": {
        "fi": "Millä keinoilla ryhmänne kieltäytyisi? Valitse niin monta kuin haluat.",
        "sv": "Vilka sätt att säga nej skulle er grupp använda? Välj så många du vill.",
        "en": "Which ways of refusing would your group use? Pick any.",
    },
    "ways_result": {
        "fi": "Kieltäytymisen keinot, jotka ryhmät valitsivat",
        "sv": "Sätten att säga nej som grupperna valde",
        "en": "Ways of refusing the groups chose",
    },
    "line": {
        "fi": "Ryhmänne oma kieltäytymislause",
        "sv": "Er grupps egen replik för att säga nej",
        "en": "Your group's own refusal line",
    },
    "lines_result": {
        "fi": "Ryhmien kieltäytymislauseet",
        "sv": "Gruppernas sätt att säga nej",
        "en": "The groups' refusal lines",
    },
    "rate_title": {
        "fi": "Kuinka vaikeaa kieltäytyminen olisi?",
        "sv": "Hur svårt skulle det vara att säga nej?",
        "en": "How hard would refusing be?",
    },
    "rate": {
        "fi": "Kuinka vaikeaa kieltäytyminen olisi, kun tilanne on tällainen?",
        "sv": "Hur svårt skulle det vara att säga nej i den här situationen?",
        "en": "How hard would refusing be, as written?",
    },
    "rate_second": {
        "fi": "Entä jos tarjoaja olisi paras kaverisi?",
        "sv": "Och om den som bjuder var din bästa kompis?",
        "en": "And if the offerer were your best friend?",
    },
    "rate_low": {"fi": "helppoa", "sv": "lätt", "en": "easy"},
    "rate_high": {"fi": "tosi vaikeaa", "sv": "väldigt svårt", "en": "very hard"},
}


@dataclass(frozen=True)
class Change:
    line: int  # 1-based, in the file as it was read
    what: str


def migrate_text(text: str, file: str = "pack.yaml") -> tuple[str, list[Change]]:
    """The pack's text with the old stations words written in, and what changed; raise YamlError."""
    located = load_yaml(text, file)
    data = located.data
    if not isinstance(data, dict) or not isinstance(data.get("agenda"), list):
        return text, []
    languages = [data.get("language", "fi")]
    extra = data.get("translations")
    languages += [lang for lang in extra if lang not in languages] if isinstance(extra, list) else []
    languages = [lang for lang in languages if lang in ("fi", "sv", "en")] or ["fi"]
    lines = text.splitlines(keepends=True)
    inserts: list[tuple[int, list[str], Change]] = []
    for i, step in enumerate(data["agenda"]):
        if not isinstance(step, dict) or step.get("kind") != "stations" or "prompts" in step or "stations" not in step:
            continue
        at = located.key_mark(("agenda", i, "stations"))
        indent = " " * (at.col - 1)
        block = [f"{indent}prompts:  # the words stations used before they came from the pack\n"]
        for key, texts in LEGACY_PROMPTS.items():
            block.append(f"{indent}  {key}:\n")
            block += [f'{indent}    {lang}: "{texts[lang]}"\n' for lang in languages]
        inserts.append((at.line - 1, block, Change(at.line, f"stations step {step.get('id')!r}: wrote its prompts")))
    for index, block, _change in sorted(inserts, key=lambda x: x[0], reverse=True):
        lines[index:index] = block
    new = "".join(lines)
    if inserts:
        _verify(data, new, file)
    return new, [change for _i, _b, change in inserts]


class MigrateError(Exception):
    """The migration could not be written safely; the file is left as it was."""


def _verify(before: dict, text: str, file: str) -> None:
    """The new text parses, and it differs from the old only by `prompts` in stations steps."""
    try:
        after = load_yaml(text, file).data
    except YamlError as exc:
        raise MigrateError(
            f"{file}: the stations steps are written in a way the migration cannot edit ({exc}); "
            "add their `prompts:` by hand (see the guide's stations section)"
        ) from None
    old_steps, new_steps = before["agenda"], after.get("agenda") if isinstance(after, dict) else None
    same_rest = {k: v for k, v in before.items() if k != "agenda"} == {k: v for k, v in after.items() if k != "agenda"}
    fine = same_rest and isinstance(new_steps, list) and len(new_steps) == len(old_steps)
    for old, new in zip(old_steps, new_steps or [], strict=False):
        if not fine:
            break
        gained = {k: v for k, v in new.items() if k != "prompts"} if isinstance(new, dict) else new
        wanted = (
            old.get("kind") == "stations" and "prompts" not in old and "stations" in old
            if isinstance(old, dict)
            else False
        )
        fine = gained == old and (("prompts" in new) == wanted if isinstance(new, dict) else not wanted)
    if not fine:
        raise MigrateError(
            f"{file}: a stations step is written in a way the migration cannot edit (e.g. it starts "
            "with `- stations:`); add its `prompts:` by hand (see the guide's stations section)"
        )


def migrate_file(path: Path) -> list[Change]:
    """Migrate one pack.yaml in place; return what changed (nothing: the file is left as it was)."""
    text = path.read_text(encoding="utf-8")
    new, changes = migrate_text(text, str(path))
    if changes:
        path.write_text(new, encoding="utf-8")
    return changes


__all__ = ["LEGACY_PROMPTS", "Change", "MigrateError", "YamlError", "migrate_file", "migrate_text"]
