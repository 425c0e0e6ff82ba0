package com.cloutsy.redis.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.core.type.TypeReference;

class CodecTest {

  record Niche(String name, Instant since, List<String> tags) {}

  private final Codec codec = Codec.json();

  @Test
  void recordsWithTimesRoundTripAsReadableJson() {
    Niche niche = new Niche("tech", Instant.parse("2026-11-26T06:00:00Z"), List.of("ai", "gadgets"));

    byte[] bytes = codec.encode(niche);

    assertThat(new String(bytes, StandardCharsets.UTF_8))
        .isEqualTo("{\"name\":\"tech\",\"since\":\"2026-11-26T06:00:00Z\",\"tags\":[\"ai\",\"gadgets\"]}");
    assertThat(codec.<Niche>decode(bytes, Niche.class)).isEqualTo(niche);
  }

  @Test
  void genericTypesDecodeThroughATypeReference() {
    byte[] bytes = codec.encode(List.of(new Niche("a", Instant.EPOCH, List.of())));

    List<Niche> niches = codec.decode(bytes, new TypeReference<List<Niche>>() {}.getType());

    assertThat(niches).containsExactly(new Niche("a", Instant.EPOCH, List.of()));
  }

  @Test
  void emptyValuesAreValuesNotMisses() {
    assertThat(codec.<String>decode(codec.encode(""), String.class)).isEmpty();
    assertThat(codec.<List<?>>decode(codec.encode(List.of()), List.class)).isEmpty();
  }

  @Test
  void bytesThatAreNotJsonOfTheTypeGiveACodecException() {
    assertThatThrownBy(() -> codec.decode("{\"name\":".getBytes(StandardCharsets.UTF_8), Niche.class))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining(Niche.class.getName());
    assertThatThrownBy(() -> codec.decode(new byte[] {(byte) 0x1f, (byte) 0x8b, 0, 1}, Niche.class))
        .isInstanceOf(CodecException.class);
  }
}
