package io.connectors.api.openapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class EntityTagsTest {

    @Test
    void strongTagIsTheQuotedSha256Hex() {
        assertEquals("\"2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824\"",
                EntityTags.strong("hello".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void ifNoneMatch() {
        String etag = "\"abc\"";
        assertTrue(EntityTags.noneMatchHits("\"abc\"", etag));
        assertTrue(EntityTags.noneMatchHits("W/\"abc\"", etag));
        assertTrue(EntityTags.noneMatchHits("\"x\", \"abc\"", etag));
        assertTrue(EntityTags.noneMatchHits("*", etag));
        assertFalse(EntityTags.noneMatchHits(null, etag));
        assertFalse(EntityTags.noneMatchHits("\"abcd\"", etag));
        assertFalse(EntityTags.noneMatchHits("abc", etag));
        assertFalse(EntityTags.noneMatchHits("", etag));
    }
}
