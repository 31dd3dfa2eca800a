package io.connectors.api.resolve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.connectors.api.model.ConnectorClass;
import io.connectors.api.model.ModelFixtures;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ClassOpenApiViewsTest {

    private final List<String> derived = new ArrayList<>();
    private final ClassOpenApiViews<Object> views = new ClassOpenApiViews<>((name, openapi) -> {
        derived.add(name);
        return new Object();
    });

    @Test
    void onlyClassesWhoseDocumentChangedAreDerivedAgain() {
        views.refresh(List.of(ModelFixtures.withOpenApi("a", "1", "{\"paths\":{}}"),
                ModelFixtures.withOpenApi("b", "1", "{\"paths\":{}}")));
        assertEquals(List.of("a", "b"), derived.stream().sorted().toList());
        Object a = views.get("a").orElseThrow();

        // b's document changes; a gets a new resourceVersion (say a status update) with an equal document.
        ConnectorClass statusOnly = ModelFixtures.withApiStatus(ModelFixtures.withOpenApi("a", "2", "{\"paths\":{}}"), "http://x");
        views.refresh(List.of(statusOnly, ModelFixtures.withOpenApi("b", "2", "{\"paths\":{\"/x\":{}}}")));
        assertEquals(List.of("a", "b", "b"), derived.stream().sorted().toList());
        assertSame(a, views.get("a").orElseThrow());

        // Same resourceVersion again: nothing is even compared.
        views.refresh(List.of(statusOnly));
        assertEquals(3, derived.size());
        assertEquals(Optional.empty(), views.get("b"));
    }

    @Test
    void aClassDeletedAndAddedAgainIsDerivedAgain() {
        views.refresh(List.of(ModelFixtures.withOpenApi("a", "1", null)));
        views.refresh(List.of());
        views.refresh(List.of(ModelFixtures.withOpenApi("a", "1", null)));
        assertEquals(List.of("a", "a"), derived);
    }
}
