package io.ffmpegqueue.examples.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ffmpegqueue.examples.support.Http;
import io.ffmpegqueue.examples.support.TestService;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tenants over real HTTP on loopback: the tenant from the body or from a tenant-bound token, and the
 * per-tenant registration rate answered with 429 and Retry-After. No worker runs (NUM_WORKERS=0).
 */
class TenantsIT {
  private static final String PLAIN_TOKEN = "plain-token-0123456789";
  private static final String ACME_TOKEN = "acme-token-0123456789";

  @TempDir
  static Path dir;
  static FfmpegService service;
  static Http plain;
  static Http acme;

  @BeforeAll
  static void start() {
    service = TestService.start(dir, Map.of(
        "NUM_WORKERS", "0",
        "API_TOKEN", PLAIN_TOKEN,
        "API_TOKENS", "acme:" + ACME_TOKEN,
        // A slow refill, so the test's own pace cannot earn a token back.
        "TENANT_RATE", "0.01",
        "TENANT_BURST", "2"), b -> { });
    plain = new Http(service.port(), PLAIN_TOKEN);
    acme = new Http(service.port(), ACME_TOKEN);
  }

  @AfterAll
  static void stop() {
    service.close();
  }

  private static String body(String tenant) {
    String json = TestService.taskJson(dir, "out.mp4");
    return tenant == null ? json : json.substring(0, json.length() - 1) + ", \"tenant\": \"" + tenant + "\"}";
  }

  private static JsonNode status(Http http, Http.Response registered) {
    return http.get("/ffmpeg/status/" + registered.json().path("task_id").asText()).json();
  }

  @Test
  void a_tenant_over_its_rate_gets_429_with_retry_after_and_a_tenant_bound_token_decides_the_tenant() {
    Http.Response first = acme.post("/ffmpeg/register", body(null));
    assertThat(first.status()).as(first.body()).isEqualTo(200);
    assertThat(status(acme, first).path("tenant").asText()).isEqualTo("acme");
    // The token's tenant wins over the body's: this counts against acme too.
    Http.Response second = acme.post("/ffmpeg/register", body("someone-else"));
    assertThat(second.status()).as(second.body()).isEqualTo(200);
    assertThat(status(acme, second).path("tenant").asText()).isEqualTo("acme");

    Http.Response third = acme.post("/ffmpeg/register", body(null));
    assertThat(third.status()).as(third.body()).isEqualTo(429);
    assertThat(third.json().path("error").asText()).isEqualTo("rate_limited");
    assertThat(third.json().path("detail").asText()).contains("tenant 'acme'");
    assertThat(Long.parseLong(third.header("Retry-After"))).isBetween(1L, 100L);

    // Another tenant has a bucket of its own.
    Http.Response other = plain.post("/ffmpeg/register", body("beta"));
    assertThat(other.status()).as(other.body()).isEqualTo(200);
    assertThat(status(plain, other).path("tenant").asText()).isEqualTo("beta");
    assertThat(status(plain, other).path("metadata").has("tenant")).as("the tenant is a field, not metadata").isFalse();
  }

  @Test
  void a_bad_tenant_in_the_body_gets_400_naming_the_field() {
    Http.Response r = plain.post("/ffmpeg/register", body("not a tenant/"));
    BadRequestsIT.assertError(r, 400, "invalid_request");
    assertThat(r.json().path("field").asText()).isEqualTo("tenant");
  }
}
