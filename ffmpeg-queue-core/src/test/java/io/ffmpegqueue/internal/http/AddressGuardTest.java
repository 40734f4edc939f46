package io.ffmpegqueue.internal.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.Dns;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class AddressGuardTest {
  private static final HostPolicy GUARD_ONLY = HostPolicy.of(List.of(), false);

  @ParameterizedTest(name = "{0} is {1}")
  @CsvSource(delimiter = '|', value = {
      "127.0.0.1|loopback",
      "127.255.255.254|loopback",
      "10.1.2.3|private",
      "172.16.0.1|private",
      "172.31.255.255|private",
      "192.168.1.1|private",
      "169.254.169.254|cloud metadata",
      "169.254.1.1|link-local",
      "100.64.0.1|carrier-grade NAT",
      "0.0.0.0|unspecified",
      "0.1.2.3|this network",
      "224.0.0.1|multicast",
      "239.255.255.250|multicast",
      "255.255.255.255|broadcast",
      "240.0.0.1|reserved",
      "192.0.0.170|reserved",
      "192.0.2.1|documentation",
      "198.18.0.1|benchmarking",
      "::1|loopback",
      "::|unspecified",
      "::ffff:127.0.0.1|loopback",
      "::ffff:10.0.0.1|private",
      "::127.0.0.1|IPv4-compatible",
      "::ffff:0:127.0.0.1|IPv4-translated form of a loopback",
      "64:ff9b::127.0.0.1|NAT64 form of a loopback",
      "64:ff9b::a9fe:a9fe|NAT64 form of a link-local address (the cloud metadata service)",
      "64:ff9b:1::1|local-use NAT64",
      "2002:7f00:1::1|6to4 form of a loopback",
      "2002:c0a8:101::1|6to4 form of a private",
      "2001:0:4136:e378:8000:63bf:80ff:fffe|Teredo form of a loopback",
      "fc00::1|unique-local",
      "fd12:3456::1|unique-local",
      "fe80::1|link-local",
      "fec0::1|site-local",
      "ff02::1|multicast",
      "2001:db8::1|documentation",
      "100::1|discard-only",
      "4000::1|reserved",
  })
  void a_non_public_address_is_refused_with_what_it_is(String address, String expected) throws Exception {
    assertThat(AddressGuard.refusal(InetAddress.getByName(address))).isNotNull().contains(expected);
  }

  @ParameterizedTest
  @ValueSource(strings = {"8.8.8.8", "1.1.1.1", "93.184.216.34", "172.32.0.1", "100.128.0.1", "169.253.1.1",
      "2606:4700:4700::1111", "2a00:1450:4001::200e", "64:ff9b::808:808", "2002:808:808::1"})
  void a_public_address_is_accepted(String address) throws Exception {
    assertThat(AddressGuard.refusal(InetAddress.getByName(address))).isNull();
  }

  @ParameterizedTest(name = "{0} spells {1}")
  @CsvSource({
      "127.0.0.1,127.0.0.1",
      "2130706433,127.0.0.1",
      "0x7f000001,127.0.0.1",
      "0X7F000001,127.0.0.1",
      "017700000001,127.0.0.1",
      "127.1,127.0.0.1",
      "127.0.1,127.0.0.1",
      "0x7f.1,127.0.0.1",
      "0177.0.0.1,127.0.0.1",
      "0177.0.0.01,127.0.0.1",
      "00000000000000000177.0.0.1,127.0.0.1",
      "127.0.0.1.,127.0.0.1",
      "0,0.0.0.0",
      "0x,0.0.0.0",
      "3232235777,192.168.1.1",
      "0xa9fea9fe,169.254.169.254",
      "169.254.43518,169.254.169.254",
      "[::1],0:0:0:0:0:0:0:1",
      "::1,0:0:0:0:0:0:0:1",
      "[::ffff:127.0.0.1],127.0.0.1",
      "[::ffff:7f00:1],127.0.0.1",
      "[0:0:0:0:0:ffff:127.0.0.1],127.0.0.1",
  })
  void every_spelling_of_an_address_is_read_as_that_address(String host, String expected) {
    assertThat(IpLiteral.parse(host).getHostAddress()).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0} is written {1}")
  @CsvSource({"::1,::1", "::,::", "fe80::1,fe80::1", "2001:db8:0:0:1:0:0:1,2001:db8::1:0:0:1", "1:0:0:2:0:0:0:3,1:0:0:2::3",
      "1:2:3:4:5:6:7:8,1:2:3:4:5:6:7:8", "1:0:2:3:4:5:6:7,1:0:2:3:4:5:6:7", "10.0.0.1,10.0.0.1"})
  void an_address_is_written_in_its_canonical_form(String address, String expected) throws Exception {
    assertThat(IpLiteral.canonical(InetAddress.getByName(address))).isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(strings = {"example.com", "09.example.com", "0x7f.example", "localhost", "127.0.0.1.nip.io", "a1"})
  void a_name_is_no_address(String host) {
    assertThat(IpLiteral.parse(host)).isNull();
  }

  @ParameterizedTest
  @ValueSource(strings = {"1.2.3.4.5", "256.0.0.1", "1.2.3.256", "4294967296", "08.0.0.1", "0x1g.0.0.1",
      "example.0x10", "example.123", "[::1%25eth0]", "[fe80::1%eth0]", "[::g]"})
  void a_host_that_ends_like_a_number_but_is_no_address_is_invalid(String host) {
    assertThatThrownBy(() -> IpLiteral.parse(host)).isInstanceOf(IpLiteral.InvalidHostException.class);
  }

  @Test
  void the_host_check_refuses_spelled_loopback_and_localhost_names_and_canonicalises_addresses() {
    assertThat(GUARD_ONLY.check("0177.0.0.1").refusal()).contains("points at 127.0.0.1, a loopback address");
    assertThat(GUARD_ONLY.check("localhost").refusal()).contains("names the local host");
    assertThat(GUARD_ONLY.check("api.localhost.").refusal()).contains("names the local host");
    assertThat(GUARD_ONLY.check("example.com").refusal()).isNull();
    HostPolicy.HostCheck publicSpelled = GUARD_ONLY.check("134744072");
    assertThat(publicSpelled.refusal()).isNull();
    assertThat(publicSpelled.host()).isEqualTo("8.8.8.8");
  }

  @Test
  void the_allow_list_admits_its_hosts_domains_and_networks_and_nothing_else() throws Exception {
    HostPolicy p = HostPolicy.of(HostPolicy.split(" minio , *.media.internal,127.0.0.0/8, fd00::/8,,::1 "), false);
    assertThat(p.hostListed("MINIO")).isTrue();
    assertThat(p.hostListed("a.media.internal")).isTrue();
    assertThat(p.hostListed("media.internal")).isFalse();
    assertThat(p.hostListed("minio.evil.com")).isFalse();
    assertThat(p.check("2130706433").refusal()).isNull();
    assertThat(p.check("[::1]").refusal()).isNull();
    assertThat(p.addressRefusal(InetAddress.getByName("fd00::5"))).isNull();
    assertThat(p.addressRefusal(InetAddress.getByName("10.0.0.1"))).contains("private");
    assertThat(p.addressRefusal(InetAddress.getByName("169.254.169.254"))).contains("link-local");
    assertThat(p.addressRefusal(InetAddress.getByName("8.8.8.8"))).isNull();
  }

  @Test
  void in_allow_list_only_mode_public_addresses_are_refused_too() throws Exception {
    HostPolicy p = HostPolicy.of(List.of("cdn.example.com"), true);
    assertThat(p.check("cdn.example.com").refusal()).isNull();
    assertThat(p.check("other.example.com").refusal()).contains("not on the allow-list");
    assertThat(p.addressRefusal(InetAddress.getByName("8.8.8.8"))).contains("not on the allow-list");
  }

  @ParameterizedTest
  @ValueSource(strings = {"minio:9000", "10.0.0.0/33", "10.0.0.0/x", "bad host", "*.", "[::1]:80", "1.2.3.4.5"})
  void an_unreadable_allow_list_entry_is_refused_by_name(String entry) {
    assertThatThrownBy(() -> HostPolicy.of(List.of(entry), false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(entry);
  }

  @Test
  void the_resolver_checks_every_address_and_pins_the_first_answer() throws Exception {
    AtomicInteger lookups = new AtomicInteger();
    List<List<InetAddress>> answers = new ArrayList<>(List.of(
        List.of(InetAddress.getByName("8.8.8.8")), List.of(InetAddress.getByName("127.0.0.1"))));
    Dns rebinding = host -> {
      lookups.incrementAndGet();
      return answers.remove(0);
    };
    GuardedDns dns = new GuardedDns(GUARD_ONLY, rebinding);
    assertThat(dns.lookup("media.example")).extracting(InetAddress::getHostAddress).containsExactly("8.8.8.8");
    assertThat(dns.lookup("media.example")).extracting(InetAddress::getHostAddress).containsExactly("8.8.8.8");
    assertThat(lookups).hasValue(1);
    assertThat(dns.approved(InetAddress.getByName("8.8.8.8"))).isTrue();
    assertThat(dns.approved(InetAddress.getByName("127.0.0.1"))).isFalse();
  }

  @Test
  void a_name_with_any_refused_address_is_refused_whole() throws Exception {
    Dns mixed = host -> List.of(InetAddress.getByName("8.8.8.8"), InetAddress.getByName("10.0.0.7"));
    GuardedDns dns = new GuardedDns(GUARD_ONLY, mixed);
    assertThatThrownBy(() -> dns.lookup("mixed.example"))
        .isInstanceOf(RefusedAddressException.class)
        .hasMessageContaining("10.0.0.7, a private address");
    GuardedDns listed = new GuardedDns(HostPolicy.of(List.of("mixed.example"), false), mixed);
    assertThat(listed.lookup("mixed.example")).hasSize(2);
  }

  @Test
  void the_resolver_reads_numeric_hosts_itself() throws Exception {
    Dns never = host -> {
      throw new UnknownHostException("asked DNS for " + host);
    };
    GuardedDns dns = new GuardedDns(GUARD_ONLY, never);
    assertThatThrownBy(() -> dns.lookup("0x7f000001")).isInstanceOf(RefusedAddressException.class)
        .hasMessageContaining("127.0.0.1, a loopback address");
    assertThat(dns.lookup("0x08080808")).extracting(InetAddress::getHostAddress).containsExactly("8.8.8.8");
  }

  @Test
  void the_socket_factory_refuses_to_connect_to_a_refused_address() {
    GuardedDns dns = new GuardedDns(GUARD_ONLY, Dns.SYSTEM);
    GuardedSocketFactory f = new GuardedSocketFactory(GUARD_ONLY, dns);
    assertThatThrownBy(() -> f.createSocket(InetAddress.getLoopbackAddress(), 9))
        .isInstanceOf(RefusedAddressException.class)
        .hasMessageContaining("a loopback address");
  }
}
