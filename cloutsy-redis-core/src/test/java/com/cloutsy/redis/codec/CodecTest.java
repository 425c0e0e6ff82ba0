package com.cloutsy.redis.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class CodecTest {

  record Niche(String name, Instant since, List<String> tags) {}

  record Price(BigDecimal amount) {}

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
    byte[] hugeNumber = "{\"amount\":1e222222222222222222222222222222}".getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> codec.decode(hugeNumber, Price.class)).isInstanceOf(CodecException.class);
    Codec exactDecimals = Codec.json(JsonMapper.builder().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
        .build());
    assertThatThrownBy(() -> exactDecimals.decode(hugeNumber, JsonNode.class)).isInstanceOf(CodecException.class);
  }
}
