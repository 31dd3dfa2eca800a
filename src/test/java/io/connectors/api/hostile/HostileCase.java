package io.connectors.api.hostile;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One line of {@code src/test/resources/hostile/cases.tsv}: a request template and what the
 * gateway must answer (the file's header explains the columns and the template language).
 */
record HostileCase(String id, String category, String mode, Set<String> flags, List<Integer> statuses,
        List<Boolean> bare, int toolRequests, String toolUri, String template) {

    static final String RESOURCE = "/hostile/cases.tsv";

    @Override
    public String toString() {
        return id + " [" + category + "]";
    }

    static List<HostileCase> load() {
        try (InputStream in = HostileCase.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing");
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            List<HostileCase> cases = new ArrayList<>();
            Set<String> ids = new java.util.HashSet<>();
            String line;
            int number = 0;
            while ((line = reader.readLine()) != null) {
                number++;
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] columns = line.split("\t", -1);
                if (columns.length != 7) {
                    throw new IllegalStateException(RESOURCE + ":" + number + ": 7 tab-separated columns expected, got "
                            + columns.length);
                }
                HostileCase one = parse(columns);
                if (!ids.add(one.id())) {
                    throw new IllegalStateException(RESOURCE + ":" + number + ": duplicate id " + one.id());
                }
                cases.add(one);
            }
            return cases;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static HostileCase parse(String[] c) {
        String[] modeAndFlags = c[2].split("\\+");
        List<Integer> statuses = new ArrayList<>();
        List<Boolean> bare = new ArrayList<>();
        if (!c[3].equals("-")) {
            for (String status : c[3].split(",")) {
                boolean isBare = status.endsWith("~");
                statuses.add(Integer.parseInt(isBare ? status.substring(0, status.length() - 1) : status));
                bare.add(isBare);
            }
        }
        return new HostileCase(c[0], c[1], modeAndFlags[0],
                Set.copyOf(Arrays.asList(modeAndFlags).subList(1, modeAndFlags.length)), List.copyOf(statuses),
                List.copyOf(bare), Integer.parseInt(c[4]), c[5].equals("-") ? null : c[5], c[6]);
    }

    /**
     * Expands the template: {@code {NAME}} from {@code values}, {@code {rep:TEXT:N}} (TEXT N times),
     * escapes {@code \r \n \t \0 \xHH \\}. The result is one char per byte (ISO-8859-1).
     */
    String expand(Map<String, String> values) {
        return expand(template, values);
    }

    static String expand(String template, Map<String, String> values) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < template.length(); i++) {
            char ch = template.charAt(i);
            if (ch == '\\') {
                char next = template.charAt(++i);
                switch (next) {
                    case 'r' -> out.append('\r');
                    case 'n' -> out.append('\n');
                    case 't' -> out.append('\t');
                    case '0' -> out.append('\0');
                    case '\\' -> out.append('\\');
                    case 'x' -> {
                        out.append((char) Integer.parseInt(template.substring(i + 1, i + 3), 16));
                        i += 2;
                    }
                    default -> throw new IllegalArgumentException("unknown escape \\" + next + " in " + template);
                }
            } else if (ch == '{') {
                int end = template.indexOf('}', i);
                String name = template.substring(i + 1, end);
                if (name.startsWith("rep:")) {
                    int last = name.lastIndexOf(':');
                    out.append(expand(name.substring(4, last), values).repeat(Integer.parseInt(name.substring(last + 1))));
                } else {
                    String value = values.get(name);
                    if (value == null) {
                        throw new IllegalArgumentException("unknown placeholder {" + name + "} in " + template);
                    }
                    out.append(expand(value, values));
                }
                i = end;
            } else {
                out.append(ch);
            }
        }
        return out.toString();
    }
}
