package io.connectors.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The list envelope and status bodies of seed 001, and 1-based pagination. */
class ListEnvelopeAndPaginationTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> ALL = List.of("a", "b", "c", "d", "e");

    @Test
    void theEnvelopeHasTheSeedsShape() throws Exception {
        JsonNode json = JSON.readTree(ListEnvelope.of(0, List.of(Map.of())).toJson());
        assertThat(json).isEqualTo(JSON.readTree("{\"listMeta\":{\"totalItems\":0},\"items\":[{}]}"));
    }

    @Test
    void pagesAreOneBasedAndCountEverything() {
        assertThat(Pagination.of("1", "2").apply(ALL)).isEqualTo(ListEnvelope.of(5, List.of("a", "b")));
        assertThat(Pagination.of("3", "2").apply(ALL)).isEqualTo(ListEnvelope.of(5, List.of("e")));
        assertThat(Pagination.of("4", "2").apply(ALL)).isEqualTo(ListEnvelope.of(5, List.of()));
        assertThat(Pagination.of(null, null).apply(ALL).items()).isEqualTo(ALL);
        assertThat(Pagination.of(null, null)).isEqualTo(new Pagination(1, Pagination.DEFAULT_ITEMS_PER_PAGE));
        assertThat(Pagination.of("2147483647", "2147483647").apply(ALL).items()).isEmpty();
    }

    @Test
    void invalidPaginationIsA400Status() {
        for (String[] bad : new String[][] {{"0", "1"}, {"-1", "1"}, {"1", "0"}, {"x", "1"}, {"1", ""},
                {"99999999999", "1"}}) {
            assertThatThrownBy(() -> Pagination.of(bad[0], bad[1]))
                    .as("page=%s itemsPerPage=%s", bad[0], bad[1])
                    .isInstanceOfSatisfying(StatusException.class, e -> {
                        assertThat(e.status()).isEqualTo(ApiStatus.failure(400, "BadRequest", e.getMessage()));
                    });
        }
    }

    @Test
    void statusBodiesAreKubernetesStatuses() throws Exception {
        JsonNode json = JSON.readTree(StatusException.notFound("no such repository").status().toJson());
        assertThat(json).isEqualTo(JSON.readTree("""
                {"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",
                 "message":"no such repository","reason":"NotFound","code":404}"""));

        ApiStatus seeds = ApiStatus.fromJson("""
                {"status": "Failure", "message": "api address of connectorclass 'git-noapi' is not resolved",
                 "reason": "BadRequest", "code": 400, "details": null}""");
        assertThat(seeds.code()).isEqualTo(400);
        assertThat(seeds.reason()).isEqualTo("BadRequest");
        assertThat(seeds.message()).isEqualTo("api address of connectorclass 'git-noapi' is not resolved");
    }
}
