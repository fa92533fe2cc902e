package dev.lattice.proxy.pgsql;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.h2.util.json.JSONArray;
import org.h2.util.json.JSONNull;
import org.h2.util.json.JSONObject;
import org.h2.util.json.JSONString;
import org.h2.util.json.JSONStringSource;
import org.h2.util.json.JSONValue;
import org.h2.util.json.JSONValueTarget;

/**
 * PostgreSQL's json operators {@code ->}, {@code ->>}, {@code #>} and {@code #>>}, which H2 lacks,
 * as the functions {@link PgJson} rewrites them into ({@code pg_catalog.lattice_json_*}, installed on
 * every node with the catalog). Each takes the JSON as its text (H2 passes a JSON value so) and
 * answers JSON text or, for the text forms, PostgreSQL's text of the value; they depend on their
 * arguments only, so a node that runs one answers what any other would.
 */
public final class JsonFunctions {

    private JsonFunctions() {
    }

    /** {@code json -> 'key'}: the member's JSON, or null (no such member, or not an object). */
    public static String field(String json, String key) {
        return text(memberOf(parse(json), key));
    }

    /** {@code json ->> 'key'}. */
    public static String fieldText(String json, String key) {
        return scalarText(memberOf(parse(json), key));
    }

    /** {@code json -> n}: the element's JSON (from 0; a negative n counts from the end), or null. */
    public static String element(String json, Integer index) {
        return text(elementOf(parse(json), index));
    }

    /** {@code json ->> n}. */
    public static String elementText(String json, Integer index) {
        return scalarText(elementOf(parse(json), index));
    }

    /** {@code json #> '{a,0,b}'}: the value at that path, each step a key of an object or an index of an array. */
    public static String path(String json, String path) throws SQLException {
        return text(at(parse(json), path));
    }

    /** {@code json #>> '{a,0,b}'}. */
    public static String pathText(String json, String path) throws SQLException {
        return scalarText(at(parse(json), path));
    }

    private static JSONValue parse(String json) {
        return json == null ? null : JSONStringSource.parse(json, new JSONValueTarget());
    }

    private static JSONValue memberOf(JSONValue value, String key) {
        if (!(value instanceof JSONObject object) || key == null) {
            return null;
        }
        JSONValue found = null;
        for (Map.Entry<String, JSONValue> e : object.getMembers()) {
            if (e.getKey().equals(key)) {
                found = e.getValue(); // PostgreSQL keeps the last of duplicate keys
            }
        }
        return found;
    }

    private static JSONValue elementOf(JSONValue value, Integer index) {
        if (!(value instanceof JSONArray array) || index == null) {
            return null;
        }
        int n = array.length();
        int at = index < 0 ? n + index : index;
        return at >= 0 && at < n ? array.getArray()[at] : null;
    }

    private static JSONValue at(JSONValue value, String path) throws SQLException {
        if (value == null || path == null) {
            return null;
        }
        for (String step : pathSteps(path)) {
            if (value instanceof JSONObject) {
                value = memberOf(value, step);
            } else if (value instanceof JSONArray) {
                Integer index = integer(step);
                value = index == null ? null : elementOf(value, index);
            } else {
                return null;
            }
            if (value == null) {
                return null;
            }
        }
        return value;
    }

    private static Integer integer(String step) {
        try {
            return Integer.valueOf(step.strip());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** The steps of a path given as PostgreSQL's text[] literal: {@code {a,"b c",0}}. */
    static List<String> pathSteps(String literal) throws SQLException {
        String s = literal.strip();
        if (s.length() < 2 || s.charAt(0) != '{' || s.charAt(s.length() - 1) != '}') {
            throw new SQLException("malformed array literal: \"" + literal + "\"", "22P02");
        }
        List<String> steps = new ArrayList<>();
        String body = s.substring(1, s.length() - 1);
        if (body.isBlank()) {
            return steps;
        }
        StringBuilder step = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            if (c == '\\' && i + 1 < body.length()) {
                step.append(body.charAt(++i));
            } else if (c == '"') {
                quoted = !quoted;
            } else if (c == ',' && !quoted) {
                steps.add(step.toString().strip());
                step.setLength(0);
            } else {
                step.append(c);
            }
        }
        steps.add(step.toString().strip());
        return steps;
    }

    private static String text(JSONValue value) {
        return value == null ? null : value.toString();
    }

    /** What {@code ->>} answers: a string's own text, null for JSON null, else the value's JSON. */
    private static String scalarText(JSONValue value) {
        if (value == null || value == JSONNull.NULL) {
            return null;
        }
        return value instanceof JSONString s ? s.getString() : value.toString();
    }
}
