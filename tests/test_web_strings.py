"""Every text the GUI passes to t() has a Galician translation, and the GUI modules stay
plain ES modules (no build step, nothing fetched from outside the daemon)."""
import glob, os, re

WEB = os.path.join(os.path.dirname(__file__), "..", "web")
MODULES = glob.glob(os.path.join(WEB, "js", "**", "*.js"), recursive=True)


def galician_key_list():
    """Every key of the Galician tables (i18n-gl.js and the modules it takes texts from)."""
    keys = []
    for path in sorted(glob.glob(os.path.join(WEB, "js", "i18n-gl*.js"))):
        keys += re.findall(r"^\s*'((?:[^'\\]|\\.)*)':", open(path, encoding="utf-8").read(), re.M)
    return keys


def galician_keys():
    return set(galician_key_list())


def test_no_galician_text_is_given_twice():
    keys = galician_key_list()
    assert len(keys) == len(set(keys)), sorted({key for key in keys if keys.count(key) > 1})


def test_every_literal_text_has_a_galician_translation():
    keys = galician_keys()
    missing = {}
    for path in MODULES:
        for text in re.findall(r"\bt\('((?:[^'\\]|\\.)*)'", open(path, encoding="utf-8").read()):
            if text not in keys:
                missing.setdefault(os.path.relpath(path, WEB), []).append(text)
    assert not missing, f"texts without a Galician translation: {missing}"


def test_modules_load_nothing_from_elsewhere():
    for path in MODULES + glob.glob(os.path.join(WEB, "*.html")):
        text = open(path, encoding="utf-8").read()
        assert not re.search(r"""(?:src|href|from)\s*=?\s*["']https?://""", text), f"{path} loads from another site"
        for target in re.findall(r"""from\s+'([^']+)'""", text):
            assert target.startswith("."), f"{path} imports {target}, not a relative module"
