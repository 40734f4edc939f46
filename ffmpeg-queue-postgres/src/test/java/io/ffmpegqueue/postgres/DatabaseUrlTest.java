package io.ffmpegqueue.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DatabaseUrlTest {

  @Test
  void a_libpq_url_becomes_a_jdbc_url_with_user_and_password_apart() {
    DatabaseUrl u = DatabaseUrl.parse("postgresql://ffq:secret@db.example.com:5433/media?sslmode=require");
    assertThat(u.jdbcUrl()).isEqualTo("jdbc:postgresql://db.example.com:5433/media?sslmode=require");
    assertThat(u.user()).isEqualTo("ffq");
    assertThat(u.password()).isEqualTo("secret");
  }

  @Test
  void the_short_postgres_scheme_and_a_url_without_port_or_password_are_read() {
    DatabaseUrl u = DatabaseUrl.parse("postgres://ffq@localhost/media");
    assertThat(u.jdbcUrl()).isEqualTo("jdbc:postgresql://localhost/media");
    assertThat(u.user()).isEqualTo("ffq");
    assertThat(u.password()).isNull();
  }

  @Test
  void percent_encoded_user_and_password_are_decoded() {
    DatabaseUrl u = DatabaseUrl.parse("postgresql://us%40er:p%40ss%2Fw%3Ard%25@127.0.0.1:5432/db");
    assertThat(u.user()).isEqualTo("us@er");
    assertThat(u.password()).isEqualTo("p@ss/w:rd%");
  }

  @Test
  void a_password_with_unescaped_reserved_characters_still_reads_right() {
    DatabaseUrl u = DatabaseUrl.parse("postgresql://ffq:pa/ss?w@rd@127.0.0.1:5432/db?sslmode=disable");
    assertThat(u.password()).isEqualTo("pa/ss?w@rd");
    assertThat(u.jdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:5432/db?sslmode=disable");
  }

  @Test
  void ipv6_and_several_hosts_are_kept() {
    assertThat(DatabaseUrl.parse("postgresql://u:p@[::1]:5432/db").jdbcUrl())
        .isEqualTo("jdbc:postgresql://[::1]:5432/db");
    assertThat(DatabaseUrl.parse("postgresql://u:p@a.example:5432,b.example:5433/db?targetServerType=primary").jdbcUrl())
        .isEqualTo("jdbc:postgresql://a.example:5432,b.example:5433/db?targetServerType=primary");
  }

  @Test
  void without_a_database_the_user_name_is_the_database_as_in_libpq() {
    assertThat(DatabaseUrl.parse("postgresql://ffq:pw@localhost:5432").jdbcUrl())
        .isEqualTo("jdbc:postgresql://localhost:5432/ffq");
    assertThatThrownBy(() -> DatabaseUrl.parse("postgresql://localhost:5432"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("names no database");
  }

  @Test
  void a_jdbc_url_is_taken_as_it_is() {
    DatabaseUrl u = DatabaseUrl.parse("jdbc:postgresql://localhost:5432/media?user=ffq&password=pw");
    assertThat(u.jdbcUrl()).isEqualTo("jdbc:postgresql://localhost:5432/media?user=ffq&password=pw");
    assertThat(u.user()).isNull();
    assertThat(u.password()).isNull();
    assertThat(u.toString()).doesNotContain("password=pw").contains("password=****");
  }

  @Test
  void other_urls_are_refused_with_a_message_that_hides_the_password() {
    assertThatThrownBy(() -> DatabaseUrl.parse("mysql://root:hunter2@localhost/db"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is not a PostgreSQL URL")
        .hasMessageNotContaining("hunter2");
    assertThatThrownBy(() -> DatabaseUrl.parse("postgresql://u:hunter2@/db"))
        .hasMessageContaining("names no host")
        .hasMessageNotContaining("hunter2");
    assertThatThrownBy(() -> DatabaseUrl.parse("postgresql://u:hunter2%zz@localhost/db"))
        .hasMessageContaining("malformed percent-escape in the password")
        .hasMessageNotContaining("hunter2");
    assertThatThrownBy(() -> DatabaseUrl.parse(" "))
        .hasMessageContaining("DATABASE_URL is empty");
  }

  @Test
  void to_string_never_shows_the_password() {
    DatabaseUrl u = DatabaseUrl.parse("postgresql://ffq:topsecret@localhost/db");
    assertThat(u.toString()).doesNotContain("topsecret").contains("user=ffq").contains("password=****");
  }
}
