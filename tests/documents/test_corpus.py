"""A few real files from other projects' test suites (tests/corpus) through the whole pipeline: the
upload rules, then the real converter. `make corpus` runs all of them."""

import importlib.util
from pathlib import Path

CORPUS = Path(__file__).resolve().parent.parent / "corpus" / "files"
SCRIPT = Path(__file__).resolve().parent.parent.parent / "scripts" / "corpus.py"

# (file, what must become of it, the refusal's code)
SUBSET = [
    ("python-docx/par-hyperlinks.docx", "converted", ""),
    ("python-docx/tbl-having-tables.docx", "converted", ""),
    ("apache-poi/Word6.doc", "converted", ""),  # Word 6: refused as unreadable until the filter followed
    ("apache-poi/Word95.doc", "converted", ""),
    ("apache-poi/simple.doc", "converted", ""),
    # Comments: Writer builds their window from a .ui file that libreoffice-writer-nogui lacks, and
    # LibreOffice aborted on them, refused as unreadable.
    ("apache-poi/comment.docx", "converted", ""),
    ("apache-poi/FloatingPictures.doc", "converted", ""),
    ("apache-poi/PasswordProtected.doc", "refused", "encrypted"),
    ("apache-poi/SimpleMacro.doc", "refused", "macros"),
    ("apache-poi/truncated62886.docx", "refused", "corrupt"),
    ("pypdf/crazyones.pdf", "converted", ""),
    ("pypdf/issue-297.pdf", "refused", "pdf_javascript"),
]


def _corpus_module():
    spec = importlib.util.spec_from_file_location("corpus_script", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_corpus_files_are_where_the_readme_says():
    readme = (CORPUS.parent / "README.md").read_text()
    for folder in CORPUS.iterdir():
        assert f"`files/{folder.name}/`" in readme
        assert any(folder.iterdir())


def test_subset_of_the_corpus_ends_as_expected_two_at_a_time(converter):
    corpus = _corpus_module()
    outcomes = corpus.run([CORPUS / name for name, _, _ in SUBSET], url=converter, jobs=2)

    assert [(Path(o.path).relative_to(CORPUS).as_posix(), o.verdict, o.reason) for o in outcomes] == SUBSET
    assert corpus.summary(outcomes).startswith("12 files: 8 converted, 4 refused, 0 failed")
