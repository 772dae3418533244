"""Russian texts of the proofreading adapters (shown in the report's notice and on the CLI)."""

JAVA_TOO_OLD = "для LanguageTool нужна Java 17 или новее, а «{java}» старше"
JAVA_NOT_FOUND = (
    "не найдена Java 17 (установите пакет openjdk-17-jre-headless или укажите java_path в настройках)"
)
LANGUAGETOOL_NOT_INSTALLED = (
    "LanguageTool не установлен (нет каталога с languagetool-server.jar или languagetool-server-*.jar: "
    "выполните scripts/setup.sh или укажите languagetool_dir в настройках)"
)
LANGUAGETOOL_JARS_MISSING = (
    "в каталоге «{path}» нет LanguageTool (languagetool-server.jar или languagetool-server-*.jar)"
)
LANGUAGETOOL_DIED = "локальный сервер LanguageTool остановился во время проверки; он перезапускается"
