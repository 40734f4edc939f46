package io.ffmpegqueue.postgres;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A {@code DATABASE_URL} read into what a JDBC pool takes. It accepts the URL form of libpq and of most
 * hosting platforms, {@code postgresql://user:password@host:port/database?sslmode=require} (also
 * {@code postgres://}, several {@code host:port} pairs separated by commas, {@code [::1]} for IPv6, user and
 * password percent-encoded), and a JDBC URL {@code jdbc:postgresql://...}, which is taken as it is.
 *
 * <pre>{@code
 * DatabaseUrl db = DatabaseUrl.parse(System.getenv("DATABASE_URL"));
 * HikariConfig config = new HikariConfig();
 * config.setJdbcUrl(db.jdbcUrl());
 * config.setUsername(db.user());      // null when the URL has none
 * config.setPassword(db.password());
 * }</pre>
 *
 * <p>{@link #toString()} hides the password, and so do the error messages.
 *
 * @param jdbcUrl the JDBC URL, without user and password
 * @param user the user name, or {@code null} when the URL names none (a JDBC URL may carry it as a parameter)
 * @param password the password, or {@code null}
 */
public record DatabaseUrl(String jdbcUrl, String user, String password) {

  /** Checks the JDBC URL is present. */
  public DatabaseUrl {
    if (jdbcUrl == null || !jdbcUrl.startsWith("jdbc:postgresql:")) {
      throw new IllegalArgumentException("jdbcUrl must start with jdbc:postgresql:");
    }
  }

  /**
   * Reads a {@code DATABASE_URL}.
   *
   * @throws IllegalArgumentException saying what is wrong (never with the password) when it is not a
   *     PostgreSQL URL
   */
  public static DatabaseUrl parse(String url) {
    if (url == null || url.isBlank()) {
      throw new IllegalArgumentException("DATABASE_URL is empty; expected postgresql://user:password@host:port/database"
          + " or jdbc:postgresql://host:port/database");
    }
    String u = url.strip();
    String lower = u.toLowerCase(Locale.ROOT);
    if (lower.startsWith("jdbc:postgresql:")) {
      return new DatabaseUrl(u, null, null);
    }
    String rest;
    if (lower.startsWith("postgresql://")) {
      rest = u.substring("postgresql://".length());
    } else if (lower.startsWith("postgres://")) {
      rest = u.substring("postgres://".length());
    } else {
      throw new IllegalArgumentException("DATABASE_URL '" + mask(u) + "' is not a PostgreSQL URL; expected"
          + " postgresql://user:password@host:port/database or jdbc:postgresql://host:port/database");
    }
    // The last '@' ends the user part, so a password with unescaped '/', '?' or '@' still reads right.
    int at = rest.lastIndexOf('@');
    String userInfo = at >= 0 ? rest.substring(0, at) : null;
    String hostAndPath = at >= 0 ? rest.substring(at + 1) : rest;
    String query = null;
    int q = hostAndPath.indexOf('?');
    if (q >= 0) {
      query = hostAndPath.substring(q + 1);
      hostAndPath = hostAndPath.substring(0, q);
    }
    int hash = hostAndPath.indexOf('#');
    if (hash >= 0) {
      hostAndPath = hostAndPath.substring(0, hash);
    }
    int slash = hostAndPath.indexOf('/');
    String hosts = slash >= 0 ? hostAndPath.substring(0, slash) : hostAndPath;
    String database = slash >= 0 ? hostAndPath.substring(slash + 1) : "";
    String user = null;
    String password = null;
    if (userInfo != null) {
      int colon = userInfo.indexOf(':');
      user = decode(colon >= 0 ? userInfo.substring(0, colon) : userInfo, "user", u);
      password = colon >= 0 ? decode(userInfo.substring(colon + 1), "password", u) : null;
      if (user.isEmpty()) {
        user = null;
      }
    }
    if (hosts.isEmpty()) {
      throw new IllegalArgumentException("DATABASE_URL '" + mask(u) + "' names no host");
    }
    if (!hosts.matches("[A-Za-z0-9._\\-\\[\\]:%,]+")) {
      throw new IllegalArgumentException("DATABASE_URL '" + mask(u) + "' has a malformed host part '" + hosts + "'");
    }
    if (database.isEmpty()) {
      if (user == null) {
        throw new IllegalArgumentException("DATABASE_URL '" + mask(u) + "' names no database (and no user to default to)");
      }
      database = user; // as libpq does
    }
    String jdbc = "jdbc:postgresql://" + hosts + "/" + database + (query == null || query.isEmpty() ? "" : "?" + query);
    return new DatabaseUrl(jdbc, user, password);
  }

  private static String decode(String s, String what, String url) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      if (ch == '%') {
        if (i + 2 >= s.length()) {
          throw new IllegalArgumentException("DATABASE_URL '" + mask(url) + "' has a malformed percent-escape in the " + what);
        }
        int hi = Character.digit(s.charAt(i + 1), 16);
        int lo = Character.digit(s.charAt(i + 2), 16);
        if (hi < 0 || lo < 0) {
          throw new IllegalArgumentException("DATABASE_URL '" + mask(url) + "' has a malformed percent-escape in the " + what);
        }
        out.write(hi * 16 + lo);
        i += 2;
      } else {
        byte[] b = String.valueOf(ch).getBytes(StandardCharsets.UTF_8);
        out.write(b, 0, b.length);
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  /** The URL with the password, if any, replaced by {@code ****}. */
  static String mask(String url) {
    int scheme = url.indexOf("://");
    int at = url.lastIndexOf('@');
    if (scheme < 0 || at < scheme) {
      return maskParameter(url);
    }
    int colon = url.indexOf(':', scheme + 3);
    if (colon < 0 || colon > at) {
      return maskParameter(url);
    }
    return url.substring(0, colon + 1) + "****" + maskParameter(url.substring(at));
  }

  private static String maskParameter(String s) {
    return s.replaceAll("(?i)([?&]password=)[^&]*", "$1****");
  }

  /** The JDBC URL and user; the password is hidden. */
  @Override
  public String toString() {
    return "DatabaseUrl[" + maskParameter(jdbcUrl) + ", user=" + user + ", password=" + (password == null ? "none" : "****") + "]";
  }
}
