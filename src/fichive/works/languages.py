"""The languages a work can be written in (ISO 639-1 codes and their own names)."""

LANGUAGES: list[tuple[str, str]] = [
    ("en", "English"),
    ("ar", "العربية"),
    ("bg", "Български"),
    ("ca", "Català"),
    ("cs", "Čeština"),
    ("da", "Dansk"),
    ("de", "Deutsch"),
    ("el", "Ελληνικά"),
    ("es", "Español"),
    ("fi", "Suomi"),
    ("fil", "Filipino"),
    ("fr", "Français"),
    ("he", "עברית"),
    ("hi", "हिन्दी"),
    ("hu", "Magyar"),
    ("id", "Bahasa Indonesia"),
    ("it", "Italiano"),
    ("ja", "日本語"),
    ("ko", "한국어"),
    ("nl", "Nederlands"),
    ("no", "Norsk"),
    ("pl", "Polski"),
    ("pt-BR", "Português brasileiro"),
    ("pt-PT", "Português europeu"),
    ("ro", "Română"),
    ("ru", "Русский"),
    ("sv", "Svenska"),
    ("th", "ไทย"),
    ("tr", "Türkçe"),
    ("uk", "Українська"),
    ("vi", "Tiếng Việt"),
    ("zh", "中文"),
]
LANGUAGE_NAMES = dict(LANGUAGES)


def language_code(value: str) -> str | None:
    """A code from a code or a language name in any case ("French" is not known; "Français" is)."""
    value = (value or "").strip()
    for code, name in LANGUAGES:
        if value.lower() in {code.lower(), name.lower()}:
            return code
    english = {"english": "en", "french": "fr", "german": "de", "spanish": "es",
               "italian": "it", "japanese": "ja", "chinese": "zh", "korean": "ko",
               "russian": "ru", "portuguese": "pt-BR", "dutch": "nl", "polish": "pl"}
    return english.get(value.lower())
