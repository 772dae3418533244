/*
 * Placeholder languages for a Russian-only LanguageTool server.
 *
 * LanguageTool's server builds a language identifier at start-up whose CommonWordsDetector looks up
 * "es", "ca" and "pt" in static initialisers: with language-ru alone on the class path the server
 * dies with "'es' is not a language code known to LanguageTool". These classes register those
 * codes with no rules, no dictionary and no common-words file, so nothing of those languages is
 * loaded or checked. The app always sends language=ru-RU.
 */
package ru.otklik.languagetool;

import java.util.Collections;
import java.util.List;
import java.util.ResourceBundle;
import org.languagetool.Language;
import org.languagetool.UserConfig;
import org.languagetool.language.Contributor;
import org.languagetool.rules.Rule;

public abstract class PlaceholderLanguage extends Language {

  private final String code;

  protected PlaceholderLanguage(String code) {
    this.code = code;
  }

  @Override
  public String getShortCode() {
    return code;
  }

  @Override
  public String getName() {
    return "Placeholder (" + code + ", not installed)";
  }

  @Override
  public String[] getCountries() {
    return new String[0];
  }

  @Override
  public Contributor[] getMaintainers() {
    return new Contributor[0];
  }

  @Override
  public List<Rule> getRelevantRules(ResourceBundle messages, UserConfig userConfig, Language motherTongue,
      List<Language> altLanguages) {
    return Collections.emptyList();
  }

  @Override
  public String getCommonWordsPath() {
    return null;  // no common-words file: the detector skips this language
  }

  @Override
  public boolean isSpellcheckOnlyLanguage() {
    return true;
  }

  public static final class Spanish extends PlaceholderLanguage {
    public Spanish() {
      super("es");
    }
  }

  public static final class Catalan extends PlaceholderLanguage {
    public Catalan() {
      super("ca");
    }
  }

  public static final class Portuguese extends PlaceholderLanguage {
    public Portuguese() {
      super("pt");
    }
  }
}
