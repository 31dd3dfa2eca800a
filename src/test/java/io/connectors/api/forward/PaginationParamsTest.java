package io.connectors.api.forward;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.connectors.api.errors.GatewayError;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class PaginationParamsTest {

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {
            "page=1", "page=0&itemsPerPage=20", "itemsPerPage=2147483647", "page=007",
            "repositoryUrl=https%3A%2F%2Fgithub.com%2Fa%2Fb.git&page=2",
            "pages=x", "p=%zz", "Page=x", "sort=-name&q=a+b"})
    void validOrAbsent(String query) {
        assertDoesNotThrow(() -> PaginationParams.check(query));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "page=-1", "page=x", "page=", "page", "page=1.5", "page=+1", "page=1e3", "itemsPerPage=2147483648",
            "itemsPerPage=99999999999999999999", "page=1&page=two", "p%61ge=x", "page=%zz", "page=%31%20"})
    void invalidIsABadRequest(String query) {
        GatewayError error = assertThrows(GatewayError.class, () -> PaginationParams.check(query));
        assertEquals(400, error.code());
    }
}
