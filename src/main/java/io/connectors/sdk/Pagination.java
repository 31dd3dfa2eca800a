package io.connectors.sdk;

import java.util.List;

/**
 * The {@code page} (1-based) and {@code itemsPerPage} query parameters of a list call. Values
 * that are not positive integers are the caller's mistake: a 400 Status.
 */
public record Pagination(int page, int itemsPerPage) {

    public static final int DEFAULT_ITEMS_PER_PAGE = 20;

    public Pagination {
        if (page < 1) {
            throw StatusException.badRequest("page must be at least 1, got " + page);
        }
        if (itemsPerPage < 1) {
            throw StatusException.badRequest("itemsPerPage must be at least 1, got " + itemsPerPage);
        }
    }

    /** From the raw query values (null when absent): page 1 and {@value #DEFAULT_ITEMS_PER_PAGE} items by default. */
    public static Pagination of(String page, String itemsPerPage) {
        return of(page, itemsPerPage, DEFAULT_ITEMS_PER_PAGE);
    }

    public static Pagination of(String page, String itemsPerPage, int defaultItemsPerPage) {
        return new Pagination(parse("page", page, 1), parse("itemsPerPage", itemsPerPage, defaultItemsPerPage));
    }

    /** This page of {@code all}, with the count of all; a page past the end is empty. */
    public <T> ListEnvelope<T> apply(List<T> all) {
        long from = (long) (page - 1) * itemsPerPage;
        if (from >= all.size()) {
            return ListEnvelope.of(all.size(), List.of());
        }
        int to = (int) Math.min(all.size(), from + itemsPerPage);
        return ListEnvelope.of(all.size(), all.subList((int) from, to));
    }

    private static int parse(String name, String value, int absent) {
        if (value == null) {
            return absent;
        }
        try {
            return Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            throw StatusException.badRequest(name + " must be a positive integer");
        }
    }
}
