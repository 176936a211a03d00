from __future__ import annotations

from pathlib import Path

import pytest

from invoicer.config import Settings, load_settings
from invoicer.errors import ConfigError, UnknownBackendError
from invoicer.registry import Registry


def test_defaults() -> None:
    s = load_settings(env={})
    assert s == Settings()
    assert s.ingest.dpi == 300
    assert s.database.url.startswith("sqlite:///")


def test_environment_overrides_file(tmp_path: Path) -> None:
    cfg = tmp_path / "invoicer.toml"
    cfg.write_text('[ingest]\ndpi = 200\nmax_pages = 5\n[validate]\nrequired_fields = ["total"]\n')
    s = load_settings(
        env={"INVOICER_INGEST_DPI": "150", "INVOICER_DATABASE_URL": "postgresql+psycopg://x/y"}, config_file=cfg
    )
    assert s.ingest.dpi == 150  # env wins
    assert s.ingest.max_pages == 5  # from the file
    assert s.validate.required_fields == ("total",)
    assert s.database.url == "postgresql+psycopg://x/y"


def test_config_file_from_environment(tmp_path: Path) -> None:
    cfg = tmp_path / "x.toml"
    cfg.write_text("[ocr]\nengine = 'none'\n")
    assert load_settings(env={"INVOICER_CONFIG": str(cfg)}).ocr.engine == "none"
    with pytest.raises(ConfigError, match="does not exist"):
        load_settings(env={"INVOICER_CONFIG": str(tmp_path / "missing.toml")})


def test_settings_are_frozen() -> None:
    s = load_settings(env={})
    with pytest.raises(AttributeError):
        s.ingest.dpi = 1  # type: ignore[misc]


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"INVOICER_INGEST_DPI": "lots"}, "invalid value 'lots' for setting ingest.dpi"),
        ({"INVOICER_INGEST_DPIS": "300"}, "unknown setting"),
        ({"INVOICER_INGEST_DPI": "5"}, "between 50 and 1200"),
        ({"INVOICER_INGEST_TEXT_LAYER": "maybe"}, "auto, always or never"),
        ({"INVOICER_VALIDATE_REQUIRED_FIELDS": "total,amount"}, "unknown field"),
    ],
)
def test_bad_settings_are_reported(env: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_settings(env=env)


def test_unknown_section_in_file(tmp_path: Path) -> None:
    cfg = tmp_path / "invoicer.toml"
    cfg.write_text("[ocrx]\nengine='none'\n")
    with pytest.raises(ConfigError, match=r"unknown section \[ocrx\]"):
        load_settings(env={}, config_file=cfg)


def test_registry_lists_valid_names_on_unknown() -> None:
    reg: Registry[object] = Registry("widget")
    reg.register("b")(object)
    reg.register("a")(object)
    with pytest.raises(UnknownBackendError) as info:
        reg.create("c")
    assert "unknown widget backend 'c'; valid names: a, b" in str(info.value)
    assert info.value.valid == ("a", "b")


def test_tagger_compute_dtype_is_a_setting_with_auto_as_default() -> None:
    from invoicer.errors import ConfigError

    assert load_settings(env={}).tagger.compute_dtype == "auto"
    assert load_settings(env={"INVOICER_TAGGER_COMPUTE_DTYPE": "qint8"}).tagger.compute_dtype == "qint8"
    with pytest.raises(ConfigError, match="auto, float32, bfloat16, qint8"):
        load_settings(env={"INVOICER_TAGGER_COMPUTE_DTYPE": "fp8"})
